#include "common/server/bounded_executor.h"

namespace gongtong {

BoundedExecutor::BoundedExecutor(int threads, int max_admitted) : max_admitted_(max_admitted) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

BoundedExecutor::~BoundedExecutor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool BoundedExecutor::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || admitted_ >= max_admitted_) return false;
    ++admitted_;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

int BoundedExecutor::admitted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return admitted_;
}

void BoundedExecutor::Work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
    std::lock_guard<std::mutex> lock(mu_);
    --admitted_;
  }
}

}  // namespace gongtong
