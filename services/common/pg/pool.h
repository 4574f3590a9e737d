#pragma once
// A fixed-size pool of PostgreSQL connections, each with search_path set to
// the service's schema. Connections are opened lazily and reopened after a
// failure, so the pool survives a database restart. Thread-safe; a freed
// connection goes to the longest-waiting caller (first come, first served).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gongtong::pg {

using Deadline = std::chrono::system_clock::time_point;
inline Deadline NoDeadline() { return Deadline::max(); }

struct PoolOptions {
  std::string dsn;     // libpq conninfo; connect_timeout=3 is added if absent
  std::string schema;  // search_path of every connection
  int size = 8;
  // Longest wait for a free connection when the caller has no deadline.
  std::chrono::milliseconds acquire_timeout{5000};
};

class Pool {
 public:
  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs `fn` in one read-committed transaction and commits when it returns
  // OK; any error (returned or thrown) rolls back — nothing is half-applied.
  // The statement_timeout is the time left until `deadline`, rounded up by less
  // than 1/16 (CoarseStatementTimeoutMs) so that it is set on a connection
  // only when it changes, not once per transaction; none without deadline. A serialization
  // failure or deadlock is retried up to `retries` times with fresh state.
  absl::Status Transact(const std::function<absl::Status(pqxx::work&)>& fn,
                        Deadline deadline = NoDeadline(), int retries = 2);

  // Runs `fn` with a raw connection (for work that manages its own
  // transactions, e.g. migrations). Exceptions are mapped like Transact's.
  absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn,
                              Deadline deadline = NoDeadline());

  // SELECT 1 on a pooled connection within `timeout`.
  absl::Status Ping(std::chrono::milliseconds timeout);

  const std::string& schema() const { return options_.schema; }

 private:
  struct Slot;
  absl::Status WithSlot(const std::function<absl::Status(Slot&)>& fn, Deadline deadline);
  absl::StatusOr<Slot*> Acquire(Deadline deadline);
  void Release(Slot* slot, bool broken);
  std::unique_ptr<pqxx::connection> Connect();

  const PoolOptions options_;
  // A caller waiting for a connection; Release hands it one directly.
  struct Waiter {
    std::condition_variable ready;
    Slot* slot = nullptr;
  };
  std::mutex mu_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_ ABSL_GUARDED_BY(mu_);
  std::deque<Waiter*> waiters_ ABSL_GUARDED_BY(mu_);  // oldest first
};

// The statement_timeout for `left_ms` until a deadline: rounded up to a
// multiple of the largest power of two ≤ left/16 (so calls made with the
// same deadline budget share one value, at most 1/16 later than the
// deadline); 0 (none) for left_ms ≤ 0.
int64_t CoarseStatementTimeoutMs(int64_t left_ms);

// "quoted" identifier for SQL built at run time (schema names).
std::string QuoteIdentifier(const std::string& name);

}  // namespace gongtong::pg
