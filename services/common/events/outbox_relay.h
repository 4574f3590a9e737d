#pragma once
// Publishes outbox rows to Redis Streams, oldest first, and marks them
// published in the same database transaction that locked them.
//
// Guarantees: no event is lost (a row is marked only after Redis accepted
// it) and order per service is kept (one relay at a time per schema, chosen
// by a transaction-scoped advisory lock, so replicas can all run a relay).
// A crash or Redis failure between XADD and the commit republishes the rows:
// consumers de-duplicate by event id.
//
// Each stream entry has the fields: event_id, event_type, envelope (the
// serialized EventEnvelope).

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/events/background_task.h"
#include "common/pg/pool.h"
#include "common/redis/redis_client.h"

namespace gongtong::events {

struct RelayOptions {
  int batch_size = 256;
  std::chrono::milliseconds idle_poll{50};     // pause when the outbox is empty
  std::chrono::milliseconds error_backoff{500};
  // Published rows older than this are deleted from the outbox.
  std::chrono::hours keep_published{24 * 7};
  // Stream entries older than this are trimmed, never past an entry some
  // consumer group has not acknowledged (see TrimStreamSafely).
  std::chrono::hours stream_retention{24 * 3};
};

class OutboxRelay : public BackgroundTask {
 public:
  OutboxRelay(pg::Pool* pool, redis::Options redis, RelayOptions options = {});
  ~OutboxRelay() override;

  // Publishes up to batch_size rows; returns how many. Public for tests.
  absl::StatusOr<int> PublishBatch();

  // Test hook, called after Redis accepted a batch and before the rows are
  // marked published. Throwing from it simulates a relay killed mid-way.
  void SetAfterPublishHookForTest(std::function<void()> hook) { after_publish_ = std::move(hook); }

 protected:
  std::chrono::milliseconds RunOnce() override;

 private:
  void Housekeep();

  pg::Pool* pool_;
  redis::Client redis_;
  RelayOptions options_;
  std::function<void()> after_publish_;
  std::chrono::steady_clock::time_point next_housekeeping_{};
  bool failing_ = false;
};

// Trims `stream` to entries newer than `retention`, but never removes an
// entry that any consumer group has pending or not yet delivered: the cut is
// the smallest of each group's oldest pending id and the id after its
// last-delivered id. Returns the number of entries removed.
absl::StatusOr<int64_t> TrimStreamSafely(redis::Client& redis, const std::string& stream,
                                         std::chrono::milliseconds retention);

}  // namespace gongtong::events
