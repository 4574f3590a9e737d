#pragma once
// PostgreSQL adapter for secretary studios (书记工作室, table
// secretary_studios of migration 0005). Like JointBuildingStore: every write
// runs in one transaction with its idempotency claim, its change-feed row and
// its outbox event (aggregate type "secretary_studio"); the caller's check
// decides with the facts loaded under lock (the host school).

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/domain/studio_rules.h"
#include "registry/storage/party_store.h"

namespace gongtong::registry {

struct StudioFacts {
  SchoolFacts schools;               // the host school after the change, when named
  std::vector<std::string> regions;  // the studio's region before and after the change
};

const std::vector<api::FilterField>& SecretaryStudioFilterFields();
const std::vector<std::string>& SecretaryStudioOrderFields();

class StudioStore {
 public:
  explicit StudioStore(pg::Pool* pool) : pool_(pool) {}

  // NOT_FOUND when none (deleted ones are returned).
  absl::StatusOr<SecretaryStudio> Get(const std::string& id, pg::Deadline deadline);
  // Filter SecretaryStudioFilterFields(); school_code and region_scope unused.
  absl::StatusOr<RosterPage<SecretaryStudio>> List(const RosterListQuery& q, pg::Deadline deadline);

  using Check = std::function<absl::Status(const SecretaryStudio& before, const SecretaryStudio& after,
                                           bool was_deleted, const StudioFacts& facts)>;
  using Mutation = std::function<absl::Status(SecretaryStudio& studio, bool& deleted)>;

  absl::StatusOr<SecretaryStudio> Create(const std::string& id, const SecretaryStudio& studio, const Check& check,
                                         const WriteContext& ctx);
  absl::StatusOr<SecretaryStudio> Mutate(const std::string& id, const std::string& expected_etag,
                                         gongtong::registry::v1::ChangeKind kind,
                                         const std::vector<std::string>& changed_paths, const Mutation& mutate,
                                         const Check& check, const WriteContext& ctx);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
