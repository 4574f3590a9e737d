#pragma once
// The bearer token a service presents to other services (ROLE_SERVICE),
// read from a file — in Kubernetes a mounted Secret, rotated in place. The
// file is re-read when its modification time changes, at most once a second,
// so a rotated token is picked up without a restart. Thread-safe.

#include <chrono>
#include <mutex>
#include <string>

namespace gongtong::auth {

class TokenFile {
 public:
  explicit TokenFile(std::string path) : path_(std::move(path)) {}

  // The current token (surrounding whitespace removed); "" when the path is
  // empty or the file cannot be read (calls then fail UNAUTHENTICATED and
  // the caller reports the dependency as unavailable).
  std::string Get();

 private:
  std::string path_;
  std::mutex mu_;
  std::string token_;
  int64_t mtime_ns_ = -1;
  std::chrono::steady_clock::time_point checked_{};
};

}  // namespace gongtong::auth
