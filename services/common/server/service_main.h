#pragma once
// The shared main() of every Gongtong service. A service's main.cc only
// declares a ServiceDefinition and calls RunService; this function:
//   1. reads and validates configuration (flags / GONGTONG_* variables),
//      printing every bad value and exiting 2;
//   2. connects to PostgreSQL (retrying until startup_timeout) and applies
//      the common and the service's migrations under an advisory lock;
//   3. loads the JWT key file; builds the authenticator, executor, edge;
//   4. lets the service wire its gRPC services and background tasks;
//   5. runs the outbox relay and the server until SIGTERM, then drains.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/authenticator.h"
#include "common/config/config.h"
#include "common/pg/migrations.h"
#include "common/pg/pool.h"
#include "common/redis/redis_client.h"
#include "common/server/bounded_executor.h"
#include "common/server/rpc_edge.h"
#include "common/server/service_host.h"

namespace gongtong {

// Everything a service's wiring may use; owned by RunService.
struct ServiceRuntime {
  const config::Config* config = nullptr;
  pg::Pool* pool = nullptr;
  redis::Options redis;
  redis::ClientPool* redis_pool = nullptr;
  RpcEdge* edge = nullptr;
  ServiceHost* host = nullptr;

  // Keeps `object` alive until the process exits; returns it.
  template <typename T>
  T* Own(std::unique_ptr<T> object) {
    T* raw = object.get();
    owned_.push_back(std::shared_ptr<void>(std::move(object)));
    return raw;
  }

 private:
  std::vector<std::shared_ptr<void>> owned_;
};

struct ServiceDefinition {
  std::string name;          // "registry"
  int default_port = 0;      // 50051 …
  std::string grpc_service;  // full name, e.g. "gongtong.registry.v1.RegistryService"
  const std::vector<pg::Migration>* migrations = nullptr;  // the service's own
  std::vector<config::Key> extra_keys;                    // service-specific config
  // Creates the service's gRPC services and tasks and adds them to the host.
  std::function<absl::Status(ServiceRuntime&)> wire;
};

// The configuration keys every service has (see docs/operations.md).
std::vector<config::Key> CommonConfigKeys(const ServiceDefinition& service);

int RunService(const ServiceDefinition& service, int argc, char** argv);

}  // namespace gongtong
