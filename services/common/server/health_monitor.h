#pragma once
// Keeps the standard grpc.health.v1 statuses true to the dependencies:
//   ""                      (overall) and every name in `service_names`:
//                           SERVING iff PostgreSQL answers SELECT 1;
//   "postgres", "redis":    each dependency on its own;
//   "liveness":             SERVING while the process can answer at all, even
//                           with PostgreSQL down and while draining — for a
//                           liveness probe that must not restart pods over a
//                           database outage.
// Redis down alone keeps the service SERVING: events wait in the outbox and
// reads bypass the cache, so nothing is lost; the "redis" status shows it.
// Probes every `interval`; a transition is logged once.

#include <chrono>
#include <string>
#include <vector>

#include "common/events/background_task.h"
#include "common/pg/pool.h"
#include "common/redis/redis_client.h"
#include "grpcpp/health_check_service_interface.h"

namespace gongtong {

class HealthMonitor : public BackgroundTask {
 public:
  HealthMonitor(grpc::HealthCheckServiceInterface* health, pg::Pool* pool, redis::Options redis,
                std::vector<std::string> service_names,
                std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
  ~HealthMonitor() override;

  // Runs one probe now and publishes the result. Returns overall serving.
  bool ProbeNow();
  // Sets every status NOT_SERVING and stops probing (drain).
  void MarkDraining();

 protected:
  std::chrono::milliseconds RunOnce() override;

 private:
  void Publish(bool pg_ok, bool redis_ok);

  grpc::HealthCheckServiceInterface* health_;
  pg::Pool* pool_;
  redis::Client redis_;
  std::vector<std::string> service_names_;
  std::chrono::milliseconds interval_;
  int last_pg_ = -1, last_redis_ = -1;
  std::atomic<bool> draining_{false};
};

}  // namespace gongtong
