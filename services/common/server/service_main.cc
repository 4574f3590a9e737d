#include "common/server/service_main.h"

#include <unistd.h>

#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/jwt_verifier.h"
#include "common/auth/key_set.h"
#include "common/events/outbox_relay.h"
#include "common/log/log.h"

namespace gongtong {

std::vector<config::Key> CommonConfigKeys(const ServiceDefinition& service) {
  using config::Key;
  char host[256] = "gongtong";
  gethostname(host, sizeof(host) - 1);
  return {
      Key{"listen", absl::StrCat("0.0.0.0:", service.default_port), false,
          "gRPC listen address host:port (port 0 = any free port)", config::HostPort()},
      Key{"pg_dsn", "", true,
          "PostgreSQL conninfo, e.g. 'host=127.0.0.1 port=5432 dbname=gongtong user=gongtong'",
          config::NonEmpty(), /*secret=*/true},
      Key{"pg_schema", service.name, false, "PostgreSQL schema of this service", config::NonEmpty()},
      Key{"pg_pool_size", "16", false, "PostgreSQL connections in the pool", config::IntIn(1, 500)},
      Key{"redis_addr", "127.0.0.1:6379", false, "Redis host:port (cache and event streams)",
          config::HostPort()},
      Key{"redis_password", "", false, "Redis AUTH password", {}, /*secret=*/true},
      Key{"redis_timeout_ms", "500", false, "Redis command timeout in ms", config::IntIn(10, 60000)},
      Key{"jwt_keys", "", true, "JSON file of RS256 public keys by kid (see docs/architecture.md)",
          config::ReadableFile()},
      Key{"jwt_issuer", "", true, "required JWT iss", config::NonEmpty()},
      Key{"jwt_audience", "gongtong", false, "required JWT aud", config::NonEmpty()},
      Key{"workers", "16", false, "worker threads running handlers", config::IntIn(1, 1024)},
      Key{"max_inflight", "512", false,
          "calls admitted at once (running + queued); beyond it RESOURCE_EXHAUSTED",
          config::IntIn(1, 100000)},
      Key{"drain_timeout_ms", "10000", false, "on SIGTERM, wait this long for in-flight calls",
          config::IntIn(0, 600000)},
      Key{"startup_timeout_s", "60", false, "wait this long for PostgreSQL at start-up",
          config::IntIn(0, 3600)},
      Key{"log_level", "info", false, "debug | info | warn | error",
          config::OneOf({"debug", "info", "warn", "error"})},
      Key{"instance", host, false, "replica name (consumer name in Redis groups)", config::NonEmpty()},
  };
}

namespace {

absl::Status MigrateWithRetry(pg::Pool& pool, const ServiceDefinition& service,
                              std::chrono::seconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  std::vector<const std::vector<pg::Migration>*> sets = {&pg::CommonMigrations()};
  if (service.migrations) sets.push_back(service.migrations);
  for (int attempt = 1;; ++attempt) {
    absl::Status s = pool.WithConnection([&](pqxx::connection& conn) -> absl::Status {
      auto applied = pg::ApplyMigrations(conn, pool.schema(), sets);
      if (!applied.ok()) return applied.status();
      log::Info("schema up to date", {{"schema", pool.schema()}, {"applied", *applied}});
      return absl::OkStatus();
    });
    if (s.ok() || s.code() != absl::StatusCode::kUnavailable ||
        std::chrono::steady_clock::now() >= give_up) {
      return s;
    }
    log::Warn("postgres not reachable yet; retrying", {{"attempt", attempt}, {"error", s.ToString()}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

int RunService(const ServiceDefinition& service, int argc, char** argv) {
  BlockTerminationSignals();
  // Debian's Abseil is built without NDEBUG, so absl::Mutex (which gRPC
  // locks several times per call) records every lock in a deadlock graph
  // with stack traces: ≈ 8 % of a server's CPU in a profile of GetSchool.
  // It is a debugging aid; a release build of Abseil has it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<config::Key> keys = CommonConfigKeys(service);
  keys.insert(keys.end(), service.extra_keys.begin(), service.extra_keys.end());
  auto loaded = config::Config::Load(keys, std::vector<std::string>(argv + 1, argv + argc),
                                     config::CurrentEnvironment());
  if (!loaded.ok()) {
    if (loaded.status().code() == absl::StatusCode::kCancelled) {  // --help
      std::cout << config::Usage("gongtong-" + service.name, keys);
      return 0;
    }
    std::cerr << "gongtong-" << service.name << ": " << loaded.status().message() << "\n";
    return 2;
  }
  const config::Config& cfg = *loaded;
  log::Level level = log::Level::kInfo;
  log::ParseLevel(cfg.Get("log_level"), &level);
  log::Init(service.name, level);
  for (const auto& [k, v] : cfg.Describe()) log::Debug("config", {{"key", k}, {"value", v}});

  auto key_set = auth::KeySet::LoadFile(cfg.Get("jwt_keys"));
  if (!key_set.ok()) {
    log::Error("cannot load JWT keys", {{"error", key_set.status().ToString()}});
    return 2;
  }
  auto redis_options = redis::ParseAddress(cfg.Get("redis_addr"));
  redis_options->password = cfg.Get("redis_password");
  redis_options->command_timeout = std::chrono::milliseconds(cfg.GetInt("redis_timeout_ms"));

  pg::Pool pool({cfg.Get("pg_dsn"), cfg.Get("pg_schema"), static_cast<int>(cfg.GetInt("pg_pool_size"))});
  if (auto s = MigrateWithRetry(pool, service, std::chrono::seconds(cfg.GetInt("startup_timeout_s")));
      !s.ok()) {
    log::Error("cannot migrate the schema; exiting", {{"error", s.ToString()}});
    return 1;
  }

  auth::Authenticator authenticator(std::make_unique<auth::JwtVerifier>(
      std::move(*key_set), auth::JwtPolicy{cfg.Get("jwt_issuer"), cfg.Get("jwt_audience")}));
  redis::ClientPool redis_pool(*redis_options, static_cast<int>(cfg.GetInt("workers")));
  BoundedExecutor executor(static_cast<int>(cfg.GetInt("workers")),
                           static_cast<int>(cfg.GetInt("max_inflight")));
  RpcEdge edge(&authenticator, &executor);

  HostOptions host_options;
  host_options.service = service.name;
  host_options.listen = cfg.Get("listen");
  host_options.drain_timeout = std::chrono::milliseconds(cfg.GetInt("drain_timeout_ms"));
  if (!service.grpc_service.empty()) host_options.health_names.push_back(service.grpc_service);
  ServiceHost host(host_options, &pool, *redis_options);
  host.SetEdge(&edge);

  events::OutboxRelay relay(&pool, *redis_options);
  host.AddBackgroundTask(&relay);

  ServiceRuntime runtime;
  runtime.config = &cfg;
  runtime.pool = &pool;
  runtime.redis = *redis_options;
  runtime.redis_pool = &redis_pool;
  runtime.edge = &edge;
  runtime.host = &host;
  if (auto s = service.wire(runtime); !s.ok()) {
    log::Error("cannot start the service", {{"error", s.ToString()}});
    return 1;
  }
  return host.Run();
}

}  // namespace gongtong
