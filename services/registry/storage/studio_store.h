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
#include "registry/storage/body_store.h"
#include "registry/storage/party_store.h"

namespace gongtong::registry {

struct StudioFacts {
  SchoolFacts schools;               // the host school after the change, when named
  std::vector<std::string> regions;  // the studio's region before and after the change
};

const std::vector<api::FilterField>& SecretaryStudioFilterFields();
const std::vector<std::string>& SecretaryStudioOrderFields();

// Get and List as BodyStore; List's filter: SecretaryStudioFilterFields().
class StudioStore : public BodyStore<SecretaryStudio, StudioFacts> {
 public:
  explicit StudioStore(pg::Pool* pool);
};

}  // namespace gongtong::registry
