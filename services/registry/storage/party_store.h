#pragma once
// PostgreSQL adapter for Party organisations. Like CommunityStore: every
// write runs in one transaction with its idempotency claim (request_id), its
// change-feed row and its outbox event (aggregate type
// "party_organization"); reads return the resource with etag (its version)
// and audit times filled, with the facts a read's access check needs. The
// decisions that need the database's facts (do the schools and the superior
// exist, the superior chain, which teachers and organisations name it) are
// made by the caller's check, run inside the write transaction with the
// facts loaded under lock; refusing writes nothing.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/change.pb.h"
#include "registry/domain/party_access.h"
#include "registry/domain/party_rules.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

// What the database knows around a Party organisation write.
struct PartyFacts {
  SchoolFacts schools;                    // every school named before or after the change
  PartyOrgFacts orgs;                     // the superior after the change and its chain upwards
  std::vector<std::string> members;       // live teachers whose membership names it (a few)
  std::vector<std::string> subordinates;  // live organisations with it as superior (a few)
};

struct PartyRecord {
  PartyOrganization organization;
  SchoolFacts schools;  // of its schools
};

// Where an organisation reaches, for the access rules.
PartyReach PartyReachOf(const PartyOrganization& o, const SchoolFacts& schools);

const std::vector<api::FilterField>& PartyOrganizationFilterFields();
const std::vector<std::string>& PartyOrganizationOrderFields();

class PartyStore {
 public:
  explicit PartyStore(pg::Pool* pool) : pool_(pool) {}

  // NOT_FOUND when no organisation has the id (deleted ones are returned).
  absl::StatusOr<PartyRecord> Get(const std::string& id, pg::Deadline deadline);
  // Filter PartyOrganizationFilterFields(), order PartyOrganizationOrderFields();
  // every organisation is readable, so school_code and region_scope are not used.
  absl::StatusOr<RosterPage<PartyOrganization>> List(const RosterListQuery& query, pg::Deadline deadline);

  // Decides on a write: `before` is empty on create; `was_deleted` tells
  // whether the stored organisation was deleted before the mutation.
  using Check = std::function<absl::Status(const PartyOrganization& before, const PartyOrganization& after,
                                           bool was_deleted, const PartyFacts& facts)>;
  using Mutation = std::function<absl::Status(PartyOrganization& organization, bool& deleted)>;

  // ALREADY_EXISTS when the id is taken, also by a deleted organisation.
  absl::StatusOr<PartyOrganization> Create(const std::string& id, const PartyOrganization& organization,
                                           const Check& check, const WriteContext& ctx);
  // Applies `mutate` under a row lock, then `check`; `expected_etag` (when
  // not empty) must match (ABORTED otherwise).
  absl::StatusOr<PartyOrganization> Mutate(const std::string& id, const std::string& expected_etag,
                                           gongtong::registry::v1::ChangeKind kind,
                                           const std::vector<std::string>& changed_paths, const Mutation& mutate,
                                           const Check& check, const WriteContext& ctx);

 private:
  pg::Pool* pool_;
};

// Whether organisation `organization_id` exists and is live, read in the
// caller's transaction and locked against deletion (FOR SHARE): for the
// teachers' party_membership.organization.
PartyOrgState LockPartyOrganization(pqxx::transaction_base& tx, const std::string& organization_id);

}  // namespace gongtong::registry
