#include "common/events/background_task.h"

namespace gongtong {

BackgroundTask::~BackgroundTask() = default;

void BackgroundTask::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void BackgroundTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundTask::Loop() {
  while (!stopping_) {
    auto pause = RunOnce();
    if (pause.count() > 0) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, pause, [&] { return stopping_.load(); });
    }
  }
}

}  // namespace gongtong
