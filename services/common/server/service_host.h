#pragma once
// Runs one gRPC server: callback API, standard health service, reflection,
// bounded concurrency, graceful drain.
//
// Run() starts the server and the background tasks, blocks until SIGTERM or
// SIGINT (or RequestShutdown), then drains: health goes NOT_SERVING so load
// balancers stop sending; the edge refuses new calls with UNAVAILABLE (retry
// elsewhere) and the host waits up to `drain_timeout` for the calls already
// admitted; then the server shuts down (a short grace, then any remaining
// stream is cancelled), background tasks stop, Run returns 0. Waiting on our
// own in-flight count, rather than on Server::Shutdown's deadline, keeps a
// drain short: gRPC's shutdown otherwise waits out the whole deadline while
// any idle client keeps its connection open.
// Call BlockTerminationSignals() first thing in main, before any thread
// starts, so the signals reach only the host's signal thread.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/events/background_task.h"
#include "common/pg/pool.h"
#include "common/redis/redis_client.h"
#include "common/server/health_monitor.h"
#include "common/server/rpc_edge.h"
#include "grpcpp/server.h"

namespace gongtong {

struct HostOptions {
  std::string service;  // "registry", ...
  std::string listen;   // host:port; port 0 picks a free one
  std::chrono::milliseconds drain_timeout{10000};
  std::vector<std::string> health_names;  // e.g. "gongtong.registry.v1.RegistryService"
  bool handle_signals = true;
  int max_message_bytes = 16 * 1024 * 1024;
};

void BlockTerminationSignals();

class ServiceHost {
 public:
  ServiceHost(HostOptions options, pg::Pool* pool, redis::Options redis);
  ~ServiceHost();

  void AddService(grpc::Service* service);        // not owned; outlives Run
  void AddBackgroundTask(BackgroundTask* task);   // not owned; started and stopped by Run
  // The edge whose in-flight calls the drain waits for (not owned).
  void SetEdge(RpcEdge* edge) { edge_ = edge; }

  // Blocks until shutdown; returns the process exit code.
  int Run();
  // Starts the drain from any thread (tests; the signal thread).
  void RequestShutdown();
  // The bound port, once Run has started the server (0 before).
  int port() const;
  // Blocks until the server is accepting calls or Run failed.
  bool WaitUntilStarted();

 private:
  HostOptions options_;
  pg::Pool* pool_;
  redis::Options redis_;
  std::vector<grpc::Service*> services_;
  std::vector<BackgroundTask*> tasks_;
  RpcEdge* edge_ = nullptr;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthMonitor> health_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool shutdown_requested_ = false;
  enum class State { kNew, kRunning, kFailed, kDone } state_ = State::kNew;
  int port_ = 0;
};

}  // namespace gongtong
