#include "common/server/health_monitor.h"

#include "common/log/log.h"

namespace gongtong {

HealthMonitor::HealthMonitor(grpc::HealthCheckServiceInterface* health, pg::Pool* pool,
                             redis::Options redis, std::vector<std::string> service_names,
                             std::chrono::milliseconds interval)
    : BackgroundTask("health-monitor"),
      health_(health),
      pool_(pool),
      redis_([&] {
        redis.command_timeout = std::min(redis.command_timeout, interval);
        return redis;
      }()),
      service_names_(std::move(service_names)),
      interval_(interval) {}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Publish(bool pg_ok, bool redis_ok) {
  if (draining_) return;
  health_->SetServingStatus("", pg_ok);
  for (const auto& name : service_names_) health_->SetServingStatus(name, pg_ok);
  health_->SetServingStatus("postgres", pg_ok);
  health_->SetServingStatus("redis", redis_ok);
  health_->SetServingStatus("liveness", true);
  if (last_pg_ != static_cast<int>(pg_ok)) {
    (pg_ok ? log::Info : log::Error)(pg_ok ? "postgres reachable: SERVING" : "postgres unreachable: NOT_SERVING", {});
  }
  if (last_redis_ != static_cast<int>(redis_ok)) {
    (redis_ok ? log::Info : log::Warn)(redis_ok ? "redis reachable" : "redis unreachable: events wait in the outbox, reads bypass the cache", {});
  }
  last_pg_ = pg_ok;
  last_redis_ = redis_ok;
}

bool HealthMonitor::ProbeNow() {
  bool pg_ok = pool_->Ping(interval_).ok();
  auto pong = redis_.Command({"PING"});
  Publish(pg_ok, pong.ok());
  return pg_ok;
}

void HealthMonitor::MarkDraining() {
  draining_ = true;
  health_->SetServingStatus(false);  // every name, overall included…
  health_->SetServingStatus("liveness", true);  // …but the process is alive
}

std::chrono::milliseconds HealthMonitor::RunOnce() {
  ProbeNow();
  return interval_;
}

}  // namespace gongtong
