#pragma once
// Party points (DOMAIN §6, R-PARTY-1 "New Long March" checkpoints, R-PARTY-2
// demonstration posts). Third layer of the chain (see support_methods.h).
// Built: the route, checkpoint records (create, get, list, revoke) and the
// standings per organisation (party_methods.cc); demonstration posts (create,
// get), assignments (create, end) and the unassigned members
// (party_post_methods.cc); listing, updating and deleting posts and listing
// assignments (party_post_list_methods.cc).

#include <set>
#include <string>

#include "assessment/rpc/evaluation_methods.h"
#include "assessment/storage/party_post_store.h"
#include "assessment/storage/party_store.h"

namespace gongtong::assessment {

const std::set<std::string>& PartyMethodNames();

// A post's own fields as create and update check them: display_name 1–40
// characters, party_organization "partyOrganizations/{id}", max_holders ≥ 0
// (INVALID_ARGUMENT naming demonstration_post.<field>).
absl::Status CheckPostFields(const av1::DemonstrationPost& p);

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

  // Demonstration posts (R-PARTY-2).
  grpc::ServerUnaryReactor* CreateDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                    const av1::CreateDemonstrationPostRequest* req,
                                                    av1::DemonstrationPost* resp) override;
  grpc::ServerUnaryReactor* GetDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                 const av1::GetDemonstrationPostRequest* req,
                                                 av1::DemonstrationPost* resp) override;
  grpc::ServerUnaryReactor* CreatePostAssignment(grpc::CallbackServerContext* ctx,
                                                 const av1::CreatePostAssignmentRequest* req,
                                                 av1::PostAssignment* resp) override;
  grpc::ServerUnaryReactor* EndPostAssignment(grpc::CallbackServerContext* ctx,
                                              const av1::EndPostAssignmentRequest* req,
                                              av1::PostAssignment* resp) override;
  grpc::ServerUnaryReactor* ListUnassignedMembers(grpc::CallbackServerContext* ctx,
                                                  const av1::ListUnassignedMembersRequest* req,
                                                  av1::ListUnassignedMembersResponse* resp) override;
  grpc::ServerUnaryReactor* ListDemonstrationPosts(grpc::CallbackServerContext* ctx,
                                                   const av1::ListDemonstrationPostsRequest* req,
                                                   av1::ListDemonstrationPostsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                    const av1::UpdateDemonstrationPostRequest* req,
                                                    av1::DemonstrationPost* resp) override;
  grpc::ServerUnaryReactor* DeleteDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                    const av1::DeleteDemonstrationPostRequest* req,
                                                    av1::DemonstrationPost* resp) override;
  grpc::ServerUnaryReactor* ListPostAssignments(grpc::CallbackServerContext* ctx,
                                                const av1::ListPostAssignmentsRequest* req,
                                                av1::ListPostAssignmentsResponse* resp) override;

 protected:
  // The school admin of `school`, the county of its region, the province.
  absl::Status MayAdministerSchool(const CallContext& call, const std::string& school);

  PartyStore party_store_;
  PartyPostStore posts_;
};

}  // namespace gongtong::assessment
