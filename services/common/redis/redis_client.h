#pragma once
// RAII client over one hiredis connection, with connect and command
// timeouts and transparent reconnection: after any I/O error or timeout the
// connection is dropped and the next command opens a new one.
//
// A timeout does NOT mean the command failed (MACHINE-NOTES: a paused Redis
// applied every "timed out" XADD): callers that retry must tolerate
// duplicates. Not thread-safe: use one client per thread, or RedisPool.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

struct redisContext;
struct redisReply;

namespace gongtong::redis {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // AUTH when non-empty
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{1000};
};

// Parses "host:port" into options (other fields default).
absl::StatusOr<Options> ParseAddress(const std::string& host_port);

// An owned copy of a hiredis reply.
struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::kNil; }
};

class Client {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one command (binary-safe arguments). Errors:
  //   UNAVAILABLE         connection failed, I/O error or timeout;
  //   FAILED_PRECONDITION Redis answered with an error reply (its text is
  //                       the message, e.g. "BUSYGROUP ...").
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);

  // Sends several commands in one round trip; replies in order. The first
  // transport error fails the whole call; error replies fail it too.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands);

  // Overrides the command timeout (e.g. for blocking XREADGROUP).
  void SetCommandTimeout(std::chrono::milliseconds timeout);

 private:
  absl::Status EnsureConnected();
  absl::Status DropOnError(const char* what);
  absl::StatusOr<Reply> Convert(redisReply* reply);

  Options options_;
  redisContext* ctx_ = nullptr;
};

// A small pool of clients for many threads. Lease() blocks until one is free.
class ClientPool {
 public:
  ClientPool(Options options, int size);

  class Lease {
   public:
    Lease(ClientPool* pool, Client* client) : pool_(pool), client_(client) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), client_(other.client_) { other.client_ = nullptr; }
    ~Lease();
    Client* operator->() const { return client_; }
    Client& operator*() const { return *client_; }

   private:
    ClientPool* pool_;
    Client* client_;
  };

  Lease Acquire();
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<Client*> free_;
};

}  // namespace gongtong::redis
