// gongtong-booking: wiring only (issue 4). Every BookingService method is
// built (services/booking/README.md): sessions and their lifecycle, series,
// free slots, calendar feeds, delivery counts, policies and capacities.
#include "absl/strings/match.h"
#include "booking/registry/registry_view.h"
#include "booking/rpc/booking_service.h"
#include "booking/storage/hold_sweeper.h"
#include "common/auth/token_file.h"
#include "common/cache/read_through_cache.h"
#include "common/events/event.h"
#include "common/events/stream_consumer.h"
#include "common/server/service_main.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace gongtong::pg {
const std::vector<Migration>& BookingMigrations();
}  // namespace gongtong::pg

namespace {

using namespace gongtong;

absl::Status Wire(ServiceRuntime& rt) {
  const auto& cfg = *rt.config;
  auto* token = rt.Own(std::make_unique<auth::TokenFile>(cfg.Get("service_token_file")));
  auto* cache = rt.Own(std::make_unique<cache::ReadThroughCache>(
      rt.redis_pool, std::chrono::seconds(cfg.GetInt("registry_cache_ttl_s"))));
  auto channel = grpc::CreateChannel(cfg.Get("registry_addr"), grpc::InsecureChannelCredentials());
  auto* registry = rt.Own(std::make_unique<booking::RegistryView>(
      channel, [token] { return token->Get(); }, cache, rt.redis_pool));
  auto* sessions = rt.Own(std::make_unique<booking::SessionStore>(rt.pool, cfg.GetInt("live_capacity_default")));
  booking::PolicyDefaults defaults;
  defaults.min_lead_days = cfg.GetInt("min_lead_days_default");
  defaults.hold_duration = absl::Minutes(cfg.GetInt("hold_minutes_default"));
  auto* policies = rt.Own(std::make_unique<booking::PolicyStore>(rt.pool, defaults, sessions));
  booking::BookingDeps deps{rt.edge, sessions, policies, registry};
  rt.host->AddService(rt.Own(std::make_unique<booking::BookingServiceImpl>(deps)));
  rt.host->AddBackgroundTask(rt.Own(std::make_unique<booking::HoldSweeper>(sessions, std::chrono::seconds(5))));

  // Registry changes committed anywhere invalidate the cached registry reads.
  events::ConsumerOptions options;
  options.stream = "gongtong:registry:events";
  options.group = "booking-registry-cache";
  options.consumer_name = cfg.Get("instance");
  rt.host->AddBackgroundTask(rt.Own(std::make_unique<events::StreamConsumer>(
      rt.pool, rt.redis, options,
      [registry](pqxx::work&, const events::EventEnvelope& e) { return registry->Invalidate(e); })));
  return absl::OkStatus();
}

std::string EmptyOrReadable(std::string_view value) {
  return value.empty() ? "" : config::ReadableFile()(value);
}

}  // namespace

int main(int argc, char** argv) {
  ServiceDefinition def;
  def.name = "booking";
  def.default_port = 50053;
  def.grpc_service = "gongtong.booking.v1.BookingService";
  def.migrations = &pg::BookingMigrations();
  def.extra_keys.push_back({"registry_addr", "127.0.0.1:50051", false, "host:port of the registry service",
                            config::HostPort()});
  def.extra_keys.push_back({"service_token_file", "", false,
                            "file holding this service's ROLE_SERVICE bearer token for calls to the registry "
                            "(re-read when it changes)",
                            EmptyOrReadable});
  def.extra_keys.push_back({"registry_cache_ttl_s", "300", false,
                            "seconds registry reads stay in the Redis cache (invalidated by registry events); "
                            "0 disables the cache",
                            config::IntIn(0, 86400)});
  def.extra_keys.push_back({"live_capacity_default", "500", false,
                            "concurrent live sessions allowed per region when no region sets its own (R-SYNC-7)",
                            config::IntIn(1, 100000)});
  def.extra_keys.push_back({"min_lead_days_default", "7", false,
                            "days of lead time before receivers' confirmation is needed (R-SYNC-4)",
                            config::IntIn(0, 60)});
  def.extra_keys.push_back({"hold_minutes_default", "15", false, "minutes a HELD session is kept",
                            config::IntIn(1, 120)});
  def.wire = Wire;
  return RunService(def, argc, argv);
}
