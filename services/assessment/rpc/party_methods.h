#pragma once
// Party points (DOMAIN §6, R-PARTY-1 "New Long March" checkpoints, R-PARTY-2
// demonstration posts). Third layer of the chain (see support_methods.h).
// Built: the route, checkpoint records (create, get, list, revoke) and the
// standings per organisation (party_methods.cc). Demonstration posts still
// answer UNIMPLEMENTED (their rules are in domain/party_rules.h).

#include <set>
#include <string>

#include "assessment/rpc/evaluation_methods.h"
#include "assessment/storage/party_store.h"

namespace gongtong::assessment {

const std::set<std::string>& PartyMethodNames();

class PartyMethods : public EvaluationMethods {
 public:
  explicit PartyMethods(const AssessmentDeps& deps);

  grpc::ServerUnaryReactor* ListLongMarchCheckpoints(grpc::CallbackServerContext* ctx,
                                                     const av1::ListLongMarchCheckpointsRequest* req,
                                                     av1::ListLongMarchCheckpointsResponse* resp) override;
  grpc::ServerUnaryReactor* GetCheckpointRecord(grpc::CallbackServerContext* ctx,
                                                const av1::GetCheckpointRecordRequest* req,
                                                av1::CheckpointRecord* resp) override;
  grpc::ServerUnaryReactor* ListCheckpointRecords(grpc::CallbackServerContext* ctx,
                                                  const av1::ListCheckpointRecordsRequest* req,
                                                  av1::ListCheckpointRecordsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateCheckpointRecord(grpc::CallbackServerContext* ctx,
                                                   const av1::CreateCheckpointRecordRequest* req,
                                                   av1::CheckpointRecord* resp) override;
  grpc::ServerUnaryReactor* DeleteCheckpointRecord(grpc::CallbackServerContext* ctx,
                                                   const av1::DeleteCheckpointRecordRequest* req,
                                                   av1::CheckpointRecord* resp) override;
  grpc::ServerUnaryReactor* ListLongMarchStandings(grpc::CallbackServerContext* ctx,
                                                   const av1::ListLongMarchStandingsRequest* req,
                                                   av1::ListLongMarchStandingsResponse* resp) override;

 protected:
  PartyStore party_store_;
};

}  // namespace gongtong::assessment
