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
};

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

absl::Status Pool::WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn,
                                  Deadline deadline) {
  GT_ASSIGN_OR_RETURN(Slot * slot, Acquire(deadline));
  absl::Status status;
  try {
    if (!slot->conn) slot->conn = Connect();
    status = fn(*slot->conn);
  } catch (...) {
    status = CurrentExceptionStatus();
  }
  Release(slot, status.code() == absl::StatusCode::kUnavailable);
  return status;
}

absl::Status Pool::Transact(const std::function<absl::Status(pqxx::work&)>& fn, Deadline deadline,
                            int retries) {
  for (int attempt = 0;; ++attempt) {
    absl::Status status = WithConnection(
        [&](pqxx::connection& conn) -> absl::Status {
          pqxx::work tx(conn);
          if (deadline != NoDeadline()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::system_clock::now());
            if (left.count() <= 0) {
              return ErrorBuilder(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED")
                  .Message("request deadline passed before the database was reached");
            }
            tx.exec(absl::StrCat("SET LOCAL statement_timeout = ", left.count()));
          }
          absl::Status inner = fn(tx);
          if (inner.ok()) tx.commit();  // else the destructor rolls back
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
