#include "common/server/service_host.h"

#include <pthread.h>
#include <signal.h>

#include <thread>

#include "common/log/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace gongtong {

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServiceHost::ServiceHost(HostOptions options, pg::Pool* pool, redis::Options redis)
    : options_(std::move(options)), pool_(pool), redis_(std::move(redis)) {}

ServiceHost::~ServiceHost() = default;

void ServiceHost::AddService(grpc::Service* service) { services_.push_back(service); }
void ServiceHost::AddBackgroundTask(BackgroundTask* task) { tasks_.push_back(task); }

int ServiceHost::port() const {
  std::lock_guard<std::mutex> lock(mu_);
  return port_;
}

bool ServiceHost::WaitUntilStarted() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return state_ != State::kNew; });
  return state_ == State::kRunning;
}

void ServiceHost::RequestShutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_requested_ = true;
  }
  cv_.notify_all();
}

int ServiceHost::Run() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(options_.listen, grpc::InsecureServerCredentials(), &bound);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  for (auto* s : services_) builder.RegisterService(s);
  server_ = builder.BuildAndStart();
  if (!server_ || bound == 0) {
    log::Error("cannot listen", {{"listen", options_.listen}});
    std::lock_guard<std::mutex> lock(mu_);
    state_ = State::kFailed;
    cv_.notify_all();
    return 1;
  }

  health_ = std::make_unique<HealthMonitor>(server_->GetHealthCheckService(), pool_, redis_,
                                            options_.health_names);
  health_->ProbeNow();  // publish real statuses before the first probe period
  health_->Start();
  for (auto* t : tasks_) t->Start();

  std::thread signal_thread;
  if (options_.handle_signals) {
    signal_thread = std::thread([this] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGTERM);
      sigaddset(&set, SIGINT);
      int sig = 0;
      sigwait(&set, &sig);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (shutdown_requested_) return;  // woken by Run's own shutdown
      }
      log::Info("signal received; draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      RequestShutdown();
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    port_ = bound;
    state_ = State::kRunning;
  }
  cv_.notify_all();
  log::Info("serving", {{"listen", options_.listen}, {"port", bound}});

  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return shutdown_requested_; });
  }
  const auto drain_start = std::chrono::steady_clock::now();
  health_->Stop();
  health_->MarkDraining();
  if (edge_) {
    edge_->StartDraining();
    const auto until = drain_start + options_.drain_timeout;
    while (edge_->inflight() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (edge_->inflight() > 0) {
      log::Warn("drain timeout: cancelling calls still running", {{"calls", edge_->inflight()}});
    }
  }
  // Stops accepting calls; after the grace, cancels whatever still runs.
  const auto grace = edge_ ? std::chrono::milliseconds(500) : options_.drain_timeout;
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  for (auto it = tasks_.rbegin(); it != tasks_.rend(); ++it) (*it)->Stop();
  if (signal_thread.joinable()) {
    pthread_kill(signal_thread.native_handle(), SIGTERM);  // wakes sigwait if still waiting
    signal_thread.join();
  }
  log::Info("drained; exiting",
            {{"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - drain_start).count()}});
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kDone;
  return 0;
}

}  // namespace gongtong
