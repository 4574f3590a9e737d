#pragma once
// A loop that runs on its own thread until stopped: the outbox relay, stream
// consumers, the health monitor. Start() once; Stop() wakes the loop, joins,
// and is idempotent.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace gongtong {

class BackgroundTask {
 public:
  explicit BackgroundTask(std::string name) : name_(std::move(name)) {}
  virtual ~BackgroundTask();  // subclasses must call Stop() in their destructor

  void Start();
  void Stop();
  const std::string& name() const { return name_; }

 protected:
  // One round of work. Returns how long to sleep before the next round
  // (0 = run again at once).
  virtual std::chrono::milliseconds RunOnce() = 0;
  bool stopping() const { return stopping_.load(); }

 private:
  void Loop();

  std::string name_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace gongtong
