#pragma once
// Background task: cancels HELD sessions whose hold lapsed (HOLD_EXPIRED,
// with their events), a batch at a time, so lapsed holds show as cancelled
// within seconds even when nobody books over them (a booking in their way
// cancels them itself, see SessionStore).

#include <chrono>

#include "booking/storage/session_store.h"
#include "common/events/background_task.h"
#include "common/log/log.h"

namespace gongtong::booking {

class HoldSweeper final : public BackgroundTask {
 public:
  HoldSweeper(SessionStore* sessions, std::chrono::milliseconds interval)
      : BackgroundTask("hold-sweeper"), sessions_(sessions), interval_(interval) {}
  ~HoldSweeper() override { Stop(); }

 protected:
  std::chrono::milliseconds RunOnce() override {
    auto n = sessions_->ExpireLapsedHolds(200);
    if (!n.ok()) {
      log::Warn("hold sweep failed", {{"error", n.status().ToString()}});
      return interval_;
    }
    return *n == 200 ? std::chrono::milliseconds(0) : interval_;
  }

 private:
  SessionStore* sessions_;
  std::chrono::milliseconds interval_;
};

}  // namespace gongtong::booking
