#pragma once
// A fixed set of worker threads with a bounded number of admitted tasks
// (queued + running). TrySubmit refuses instead of queueing without bound:
// that refusal is how the server answers RESOURCE_EXHAUSTED when overloaded.
// Blocking work (database calls) runs here, never on gRPC's own threads.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace gongtong {

class BoundedExecutor {
 public:
  BoundedExecutor(int threads, int max_admitted);
  ~BoundedExecutor();  // runs the tasks already admitted, then joins

  // False when max_admitted tasks are already queued or running.
  bool TrySubmit(std::function<void()> task);
  int admitted() const;

 private:
  void Work();

  const int max_admitted_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int admitted_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace gongtong
