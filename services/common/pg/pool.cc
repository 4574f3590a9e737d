#include "common/pg/pool.h"

#include <algorithm>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/pg/pg_status.h"
#include "common/status/error.h"

namespace gongtong::pg {

struct Pool::Slot {
  std::unique_ptr<pqxx::connection> conn;
  // The session's statement_timeout as last committed on `conn`; -1 unknown.
  int64_t statement_timeout_ms = -1;
};

int64_t CoarseStatementTimeoutMs(int64_t left_ms) {
  if (left_ms <= 0) return 0;
  int64_t step = 1;
  while (step * 32 <= left_ms) step *= 2;  // the largest power of two ≤ left/16
  return (left_ms + step - 1) / step * step;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {
  for (int i = 0; i < options_.size; ++i) {
    slots_.push_back(std::make_unique<Slot>());
    free_.push_back(slots_.back().get());
  }
}

Pool::~Pool() = default;

std::unique_ptr<pqxx::connection> Pool::Connect() {
  std::string dsn = options_.dsn;
  if (!absl::StrContains(dsn, "connect_timeout")) absl::StrAppend(&dsn, " connect_timeout=3");
  auto conn = std::make_unique<pqxx::connection>(dsn);
  pqxx::nontransaction setup(*conn);
  setup.exec(absl::StrCat("SET search_path TO ", QuoteIdentifier(options_.schema), ", public"));
  setup.exec("SET TIME ZONE 'UTC'");
  return conn;
}

absl::StatusOr<Pool::Slot*> Pool::Acquire(Deadline deadline) {
  auto limit = std::min(deadline, std::chrono::system_clock::now() + options_.acquire_timeout);
  std::unique_lock<std::mutex> lock(mu_);
  if (!free_.empty() && waiters_.empty()) {
    Slot* slot = free_.back();  // the most recently used: its connection is warm
    free_.pop_back();
    return slot;
  }
  // First come, first served: a released connection goes to the oldest
  // waiter, never to a caller that arrives later (no barging, so no caller
  // waits out several turns under load).
  Waiter me;
  waiters_.push_back(&me);
  if (!me.ready.wait_until(lock, limit, [&] { return me.slot != nullptr; })) {
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &me));
    return ErrorBuilder(absl::StatusCode::kUnavailable, "DB_POOL_EXHAUSTED")
        .Message("no database connection became free in time")
        .Zh("系统繁忙，请稍后重试");
  }
  return me.slot;
}

void Pool::Release(Slot* slot, bool broken) {
  if (broken || (slot->conn && !slot->conn->is_open())) slot->conn.reset();
  std::lock_guard<std::mutex> lock(mu_);
  if (waiters_.empty()) {
    free_.push_back(slot);
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->slot = slot;
  next->ready.notify_one();
}

absl::Status Pool::WithSlot(const std::function<absl::Status(Slot&)>& fn, Deadline deadline) {
  GT_ASSIGN_OR_RETURN(Slot * slot, Acquire(deadline));
  absl::Status status;
  try {
    if (!slot->conn) {
      slot->statement_timeout_ms = -1;
      slot->conn = Connect();
    }
    status = fn(*slot);
  } catch (...) {
    status = CurrentExceptionStatus();
  }
  Release(slot, status.code() == absl::StatusCode::kUnavailable);
  return status;
}

absl::Status Pool::WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn,
                                  Deadline deadline) {
  return WithSlot(
      [&](Slot& slot) {
        slot.statement_timeout_ms = -1;  // the caller may change anything
        return fn(*slot.conn);
      },
      deadline);
}

absl::Status Pool::Transact(const std::function<absl::Status(pqxx::work&)>& fn, Deadline deadline,
                            int retries) {
  for (int attempt = 0;; ++attempt) {
    absl::Status status = WithSlot(
        [&](Slot& slot) -> absl::Status {
          int64_t timeout_ms = 0;  // none
          if (deadline != NoDeadline()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::system_clock::now());
            if (left.count() <= 0) {
              return ErrorBuilder(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED")
                  .Message("request deadline passed before the database was reached");
            }
            timeout_ms = CoarseStatementTimeoutMs(left.count());
          }
          pqxx::work tx(*slot.conn);
          // Set only when it changes (one round trip saved per transaction
          // otherwise); session-level, so it is known after commit and
          // unknown after a rollback (which undoes it).
          const int64_t before = slot.statement_timeout_ms;
          if (timeout_ms != before) {
            tx.exec(absl::StrCat("SET statement_timeout = ", timeout_ms));
          }
          slot.statement_timeout_ms = -1;
          absl::Status inner = fn(tx);
          if (inner.ok()) {
            tx.commit();  // else the destructor rolls back
            slot.statement_timeout_ms = timeout_ms;
          }
          return inner;
        },
        deadline);
    if (status.code() != absl::StatusCode::kAborted || attempt >= retries ||
        !absl::StartsWith(ReasonOf(status), "DB_")) {
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
  }
}

absl::Status Pool::Ping(std::chrono::milliseconds timeout) {
  return Transact([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  }, std::chrono::system_clock::now() + timeout, /*retries=*/0);
}

}  // namespace gongtong::pg
