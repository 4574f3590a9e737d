#pragma once
// PostgreSQL adapter for Party joint-building relations (党建结对共建). Like
// PartyStore: every write runs in one transaction with its idempotency claim,
// its change-feed row and its outbox event (aggregate type
// "party_joint_building"); the caller's check decides with the facts loaded
// under lock (both organisations, the schools of the school side); one live
// relation per pair is ALREADY_EXISTS (FAILED_PRECONDITION on undelete).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/storage/party_store.h"

namespace gongtong::registry {

struct JointBuildingFacts {
  PartyOrgFacts orgs;  // the organisation and partner organisation after the change
  PartyReach reach;    // the schools of the school-side organisation, before and after
};

const std::vector<api::FilterField>& PartyJointBuildingFilterFields();
const std::vector<std::string>& PartyJointBuildingOrderFields();

class JointBuildingStore {
 public:
  explicit JointBuildingStore(pg::Pool* pool) : pool_(pool) {}

  // NOT_FOUND when none (deleted ones are returned).
  absl::StatusOr<PartyJointBuilding> Get(const std::string& id, pg::Deadline deadline);
  // Filter PartyJointBuildingFilterFields(); school_code and region_scope unused.
  absl::StatusOr<RosterPage<PartyJointBuilding>> List(const RosterListQuery& q, pg::Deadline deadline);

  using Check = std::function<absl::Status(const PartyJointBuilding& before, const PartyJointBuilding& after,
                                           bool was_deleted, const JointBuildingFacts& facts)>;
  using Mutation = std::function<absl::Status(PartyJointBuilding& relation, bool& deleted)>;

  absl::StatusOr<PartyJointBuilding> Create(const std::string& id, const PartyJointBuilding& relation,
                                            const Check& check, const WriteContext& ctx);
  absl::StatusOr<PartyJointBuilding> Mutate(const std::string& id, const std::string& expected_etag,
                                            gongtong::registry::v1::ChangeKind kind,
                                            const std::vector<std::string>& changed_paths, const Mutation& mutate,
                                            const Check& check, const WriteContext& ctx);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
