#include "registry/rpc/near_caches.h"

#include "absl/strings/match.h"
#include "common/status/error.h"
#include "registry/storage/change_log.h"
#include "registry/storage/school_list_cache.h"
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {

std::string ChangedSchoolCode(const events::v1::EventEnvelope& e) {
  if (e.aggregate_type() != "school" || !absl::StartsWith(e.aggregate_id(), "schools/")) return "";
  return e.aggregate_id().substr(8);
}

absl::Status ForgetSchoolInRedis(cache::ReadThroughCache& cache, const std::string& schema, const std::string& code) {
  // Both are tried even when the first fails.
  absl::Status school = cache.Invalidate(SchoolCacheKey(schema, code));
  absl::Status lists = SchoolListsChanged(*cache.redis(), schema);
  return school.ok() ? lists : school;
}

RegistryNearCaches::RegistryNearCaches(std::chrono::milliseconds ttl, size_t school_entries,
                                       cache::ReadThroughCache* shared, std::string schema, redis::Options redis)
    : schools_(school_entries, ttl), school_lists_(kNearSchoolListPages, ttl) {
  cache::NearCacheInvalidatorOptions options;
  options.stream = kRegistryStream;
  invalidator_ = std::make_unique<cache::NearCacheInvalidator>(
      std::vector<cache::NearCache*>{&schools_, &school_lists_}, std::move(redis), options,
      [this, shared, schema = std::move(schema)](const events::v1::EventEnvelope& e) -> absl::Status {
        const std::string code = ChangedSchoolCode(e);
        if (code.empty()) return absl::OkStatus();
        // The shared tier first (see NearCacheInvalidator).
        GT_RETURN_IF_ERROR(ForgetSchoolInRedis(*shared, schema, code));
        schools_.Invalidate(SchoolCacheKey(schema, code));
        school_lists_.InvalidateAll();
        return absl::OkStatus();
      });
}

}  // namespace gongtong::registry
