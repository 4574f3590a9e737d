#pragma once
// Consumes one Redis Stream in a consumer group and applies each event
// exactly once to the service's PostgreSQL state.
//
// For every entry, in one database transaction: insert (group, event_id)
// into processed_events — if it was already there the entry is a duplicate
// and the handler is skipped — then call the handler; commit; then XACK.
// A crash anywhere before XACK redelivers the entry, and the de-duplication
// row makes the redelivery a no-op, so the handler's committed effects
// happen exactly once.
//
// With `transaction_batch` > 1, up to that many consecutive entries of one
// read are applied in ONE transaction (de-duplication row + handler per
// entry, in stream order), committed once and then acknowledged with one
// XACK — the same guarantees at one commit (one fsync) per batch. If the
// batch's transaction fails for any reason but the database being
// unreachable, it is rolled back whole and its entries are applied again one
// transaction each, so the good ones commit and a failing one is retried and
// dead-lettered alone. Handlers must therefore keep all their effects in the
// transaction (a handler may run, rolled back, before its entry's own
// transaction).
//
// A BatchEventHandler (the second constructor) receives the entries of one
// transaction together: the consumer inserts all their de-duplication rows
// with one statement and passes the handler only the events not applied
// before (each event id once, in stream order; possibly none). When the
// batch's transaction fails, each entry is applied again in its own
// transaction with a one-event batch, as above. The handler must have the
// same effects as handling its events one by one in that order.
//
// Entries left pending by a dead consumer are reclaimed with XAUTOCLAIM
// after `reclaim_idle`. An entry delivered `max_deliveries` times without
// success (or that cannot be parsed) is copied to the dead-letter stream
// (<stream>:dead-letter by default, with the reason) and acknowledged, so one
// poison event does not block the rest. Redis being down is waited out.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "common/events/background_task.h"
#include "common/pg/pool.h"
#include "common/redis/redis_client.h"
#include "gongtong/events/v1/envelope.pb.h"

namespace gongtong::events {

using EventHandler =
    std::function<absl::Status(pqxx::work& tx, const gongtong::events::v1::EventEnvelope& event)>;

// Applies several events in one transaction (see the file comment).
using BatchEventHandler = std::function<absl::Status(
    pqxx::work& tx, const std::vector<const gongtong::events::v1::EventEnvelope*>& events)>;

struct ConsumerOptions {
  std::string stream;
  std::string group;          // one group per consuming service and purpose
  std::string consumer_name;  // unique per replica (e.g. pod name)
  std::string dead_letter_stream;  // default: <stream>:dead-letter
  int batch_size = 64;  // entries per XREADGROUP / XAUTOCLAIM
  // Entries applied per PostgreSQL transaction (at most batch_size take
  // effect). 1 = one transaction per entry, the behaviour of consumers whose
  // handlers were written before batching existed.
  int transaction_batch = 1;
  std::chrono::milliseconds block{500};
  std::chrono::milliseconds reclaim_idle{30000};
  int max_deliveries = 5;
  std::chrono::milliseconds error_backoff{500};
};

class StreamConsumer : public BackgroundTask {
 public:
  StreamConsumer(pg::Pool* pool, redis::Options redis, ConsumerOptions options, EventHandler handler);
  StreamConsumer(pg::Pool* pool, redis::Options redis, ConsumerOptions options, BatchEventHandler handler);
  ~StreamConsumer() override;

  // One round: reclaim stuck entries, dead-letter exhausted ones, read new
  // entries, handle them. Returns the number of entries handled (including
  // duplicates skipped). Public for tests.
  absl::StatusOr<int> PollOnce();

  // Test hook, called in every applying transaction after the handlers ran
  // and before the commit; throwing from it simulates a crash there.
  void SetBeforeCommitHookForTest(std::function<void()> hook) { before_commit_ = std::move(hook); }

 protected:
  std::chrono::milliseconds RunOnce() override;

 private:
  absl::Status EnsureGroup();
  absl::Status DeadLetterExhausted();
  // Handles entries of an XREADGROUP/XAUTOCLAIM reply array; acks successes.
  absl::StatusOr<int> HandleEntries(const redis::Reply& entries);
  struct Entry;  // an entry whose envelope parsed
  // One transaction and one XACK for all of `batch`; if the transaction
  // fails (database reachable), HandleOne for each entry. Returns how many
  // were handled.
  absl::StatusOr<int> HandleBatch(const std::vector<Entry>& batch);
  // One transaction and one XACK for one entry.
  absl::Status HandleOne(const Entry& entry);
  // Inserts the de-duplication row and, unless it existed, runs the handler.
  absl::Status Apply(pqxx::work& tx, const gongtong::events::v1::EventEnvelope& event);
  // The same for all of `batch` in one transaction: per entry with the
  // EventHandler, or one de-duplication statement and one BatchEventHandler
  // call.
  absl::Status ApplyAll(pqxx::work& tx, const std::vector<Entry>& batch);
  absl::Status DeadLetter(const std::string& entry_id, const redis::Reply& fields,
                          const std::string& reason);

  pg::Pool* pool_;
  redis::Client redis_;
  ConsumerOptions options_;
  EventHandler handler_;              // exactly one of these two is set
  BatchEventHandler batch_handler_;
  std::function<void()> before_commit_;
  bool group_ready_ = false;
  bool failing_ = false;
};

}  // namespace gongtong::events
