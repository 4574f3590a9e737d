#include "registry/rpc/near_caches.h"

#include "absl/strings/match.h"
#include "common/status/error.h"
#include "registry/storage/change_log.h"
#include "registry/storage/school_list_cache.h"
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {

RegistryNearCaches::RegistryNearCaches(std::chrono::milliseconds ttl, size_t school_entries,
                                       cache::ReadThroughCache* shared, std::string schema, redis::Options redis)
    : schools_(school_entries, ttl), school_lists_(kNearSchoolListPages, ttl) {
  cache::NearCacheInvalidatorOptions options;
  options.stream = kRegistryStream;
  invalidator_ = std::make_unique<cache::NearCacheInvalidator>(
      std::vector<cache::NearCache*>{&schools_, &school_lists_}, std::move(redis), options,
      [this, shared, schema = std::move(schema)](const events::v1::EventEnvelope& e) -> absl::Status {
        if (e.aggregate_type() != "school" || !absl::StartsWith(e.aggregate_id(), "schools/")) {
          return absl::OkStatus();
        }
        // The shared tier first (see NearCacheInvalidator).
        const std::string key = SchoolCacheKey(e.aggregate_id().substr(8));
        GT_RETURN_IF_ERROR(shared->Invalidate(key));
        schools_.Invalidate(key);
        GT_RETURN_IF_ERROR(SchoolListsChanged(*shared->redis(), schema));
        school_lists_.InvalidateAll();
        return absl::OkStatus();
      });
}

}  // namespace gongtong::registry
