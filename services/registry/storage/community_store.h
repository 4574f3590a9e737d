#pragma once
// PostgreSQL adapter for communities and pairings. Like SchoolStore: every
// write runs in one transaction with its idempotency claim, its change-feed
// row and its outbox event; reads return the resource with etag (its
// version) and audit times filled. The decisions that need the database's
// facts (do the schools exist, which members have pairings, which schools
// are in other fused communities) are made by the caller's check, run inside
// the write transaction with the facts loaded under lock.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/change.pb.h"
#include "gongtong/registry/v1/community.pb.h"
#include "registry/domain/community_access.h"
#include "registry/domain/community_rules.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

// What the database knows around a community write.
struct CommunityFacts {
  SchoolFacts schools;                                 // every school named before or after the change
  std::set<std::string> paired_members;                // member codes with a live pairing in the community
  std::map<std::string, std::string> fused_elsewhere;  // school → other live fused community (FUSED only)
};

// A community with the facts a read's access check needs.
struct CommunityRecord {
  Community community;
  SchoolFacts schools;  // of the community's schools
};

// A pairing with its community (for access, as for the community).
struct PairingRecord {
  Pairing pairing;
  Community community;
  SchoolFacts schools;  // of the community's schools and the pairing's
};

// The existence, deletion and region of schools `codes` ("" skipped),
// locked FOR SHARE when `lock`.
SchoolFacts LoadSchoolFacts(pqxx::transaction_base& tx, std::vector<std::string> codes, bool lock);

// Where a community reaches, for the access rules.
CommunityReach ReachOf(const Community& c, const SchoolFacts& schools);

struct CommunityListQuery {
  std::vector<api::FilterTerm> filter;  // CommunityFilterFields()
  std::vector<api::OrderField> order;   // CommunityOrderFields(), one direction
  std::vector<std::string> after;       // sort-key values of the last item seen
  int limit = 50;
  bool show_deleted = false;
  CommunityListScope scope;
  bool count_total = false;
};

struct CommunityPage {
  std::vector<Community> communities;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

struct PairingListQuery {
  std::string community_id;             // "" = across communities
  std::vector<api::FilterTerm> filter;  // PairingFilterFields()
  std::vector<api::OrderField> order;   // PairingOrderFields(), one direction
  std::vector<std::string> after;
  int limit = 50;
  bool show_deleted = false;
  CommunityListScope scope;             // of the pairings' communities
  bool count_total = false;
};

struct PairingPage {
  std::vector<Pairing> pairings;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

const std::vector<api::FilterField>& CommunityFilterFields();
const std::vector<std::string>& CommunityOrderFields();
const std::vector<api::FilterField>& PairingFilterFields();
const std::vector<std::string>& PairingOrderFields();

class CommunityStore {
 public:
  explicit CommunityStore(pg::Pool* pool) : pool_(pool) {}

  // ---- communities ----
  // NOT_FOUND when no community has the id (deleted ones are returned).
  absl::StatusOr<CommunityRecord> Get(const std::string& id, pg::Deadline deadline);
  absl::StatusOr<CommunityPage> List(const CommunityListQuery& query, pg::Deadline deadline);

  // Decides on a write: `before` is empty on create; `after` is the
  // community as it will be stored (region defaulted to the core's).
  using CommunityCheck =
      std::function<absl::Status(const Community& before, const Community& after, const CommunityFacts& facts)>;
  using CommunityMutation = std::function<absl::Status(Community& community, bool& deleted)>;

  // ALREADY_EXISTS when the id is taken, also by a deleted community.
  // Every write also keeps School.communities and fused_into of the schools
  // it names (before and after) in the same transaction
  // (SchoolStore::RefreshCommunityFields); the codes of the schools that
  // changed go to `schools_changed` (for the caller's cache).
  absl::StatusOr<Community> Create(const std::string& id, const Community& community, const CommunityCheck& check,
                                   const WriteContext& ctx, std::vector<std::string>* schools_changed = nullptr);
  // Applies `mutate` under a row lock, then `check`; `expected_etag` (when
  // not empty) must match (ABORTED otherwise).
  absl::StatusOr<Community> Mutate(const std::string& id, const std::string& expected_etag,
                                   gongtong::registry::v1::ChangeKind kind,
                                   const std::vector<std::string>& changed_paths, const CommunityMutation& mutate,
                                   const CommunityCheck& check, const WriteContext& ctx,
                                   std::vector<std::string>* schools_changed = nullptr);

  // Names of the live communities whose core is the school (DeleteSchool).
  absl::StatusOr<std::vector<std::string>> LiveCommunitiesWithCore(const std::string& school_code,
                                                                   pg::Deadline deadline);

  // ---- pairings ----
  absl::StatusOr<PairingRecord> GetPairing(const std::string& community_id, const std::string& pairing_id,
                                           pg::Deadline deadline);
  absl::StatusOr<PairingPage> ListPairings(const PairingListQuery& query, pg::Deadline deadline);

  // Decides on a pairing write given its community (possibly deleted) and
  // the facts about the schools of both; `before` is empty on create.
  using PairingCheck = std::function<absl::Status(const Pairing& before, const Pairing& after, bool deleted,
                                                  const CommunityRecord& community)>;
  using PairingMutation = std::function<absl::Status(Pairing& pairing, bool& deleted)>;

  // NOT_FOUND when the community does not exist; ALREADY_EXISTS when the
  // id is taken (also by a deleted pairing) or the member already has a
  // live pairing in the community.
  absl::StatusOr<Pairing> CreatePairing(const std::string& community_id, const std::string& pairing_id,
                                        const Pairing& pairing, const PairingCheck& check, const WriteContext& ctx);
  absl::StatusOr<Pairing> MutatePairing(const std::string& community_id, const std::string& pairing_id,
                                        const std::string& expected_etag, gongtong::registry::v1::ChangeKind kind,
                                        const std::vector<std::string>& changed_paths,
                                        const PairingMutation& mutate, const PairingCheck& check,
                                        const WriteContext& ctx);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
