// gongtong-registry: wiring only — the stores, the Redis cache, this
// replica's near caches and what keeps them correct, and the service
// (every RegistryService method is in rpc/).
#include "common/cache/read_through_cache.h"
#include "common/events/event.h"
#include "common/events/stream_consumer.h"
#include "common/server/service_main.h"
#include "common/status/error.h"
#include "registry/rpc/near_caches.h"
#include "registry/rpc/registry_service.h"
#include "registry/storage/change_log.h"

namespace gongtong::pg {
const std::vector<Migration>& RegistryMigrations();
}  // namespace gongtong::pg

namespace {

using namespace gongtong;

absl::Status Wire(ServiceRuntime& rt) {
  auto* schools = rt.Own(std::make_unique<registry::SchoolStore>(rt.pool));
  auto* feed = rt.Own(std::make_unique<registry::ChangeFeed>(rt.pool));
  auto* cache = rt.Own(std::make_unique<cache::ReadThroughCache>(
      rt.redis_pool, std::chrono::seconds(rt.config->GetInt("cache_ttl_s"))));
  registry::RegistryStores stores{schools, feed, cache};
  const int near_ttl_ms = rt.config->GetInt("near_cache_ttl_ms");
  if (near_ttl_ms > 0 && rt.config->GetInt("cache_ttl_s") > 0) {
    auto* near = rt.Own(std::make_unique<registry::RegistryNearCaches>(
        std::chrono::milliseconds(near_ttl_ms), static_cast<size_t>(rt.config->GetInt("near_cache_entries")), cache,
        rt.pool->schema(), rt.redis));
    stores.near_cache = near->schools();
    stores.near_school_lists = near->school_lists();
    rt.host->AddBackgroundTask(near->invalidator());
  }
  stores.pool = rt.pool;
  stores.communities = rt.Own(std::make_unique<registry::CommunityStore>(rt.pool));
  stores.calendars = rt.Own(std::make_unique<registry::CalendarStore>(rt.pool));
  stores.roster = rt.Own(std::make_unique<registry::RosterStore>(rt.pool));
  stores.party = rt.Own(std::make_unique<registry::PartyStore>(rt.pool));
  stores.joint_buildings = rt.Own(std::make_unique<registry::JointBuildingStore>(rt.pool));
  stores.studios = rt.Own(std::make_unique<registry::StudioStore>(rt.pool));
  rt.host->AddService(rt.Own(std::make_unique<registry::RegistryServiceImpl>(rt.edge, stores)));

  // The Redis caches stay correct: changes committed anywhere (even by a
  // writer that died before invalidating) invalidate through the stream.
  // With near caches, their invalidator does it on every replica (Redis
  // first); without, one consumer group does.
  if (stores.near_cache == nullptr) {
    events::ConsumerOptions options;
    options.stream = registry::kRegistryStream;
    options.group = "registry-cache";
    options.consumer_name = rt.config->Get("instance");
    rt.host->AddBackgroundTask(rt.Own(std::make_unique<events::StreamConsumer>(
        rt.pool, rt.redis, options,
        [cache, schema = rt.pool->schema()](pqxx::work&, const events::EventEnvelope& e) -> absl::Status {
          const std::string code = registry::ChangedSchoolCode(e);
          return code.empty() ? absl::OkStatus() : registry::ForgetSchoolInRedis(*cache, schema, code);
        })));
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  ServiceDefinition def;
  def.name = "registry";
  def.default_port = 50051;
  def.grpc_service = "gongtong.registry.v1.RegistryService";
  def.migrations = &pg::RegistryMigrations();
  def.extra_keys.push_back({"cache_ttl_s", "300", false,
                            "seconds a school stays in the Redis cache; 0 disables the cache",
                            config::IntIn(0, 86400)});
  def.extra_keys.push_back({"near_cache_ttl_ms", "30000", false,
                            "milliseconds a school stays in this replica's memory (invalidated by events sooner); "
                            "0 disables the in-process cache",
                            config::IntIn(0, 3600000)});
  def.extra_keys.push_back({"near_cache_entries", "100000", false,
                            "schools this replica keeps in memory at most", config::IntIn(16, 10000000)});
  def.wire = Wire;
  return RunService(def, argc, argv);
}
