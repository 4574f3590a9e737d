#pragma once
// Keeps one replica's NearCaches correct: reads EVERY entry of the owning
// service's event stream (plain XREAD from the last id seen, no consumer
// group — each replica needs every event, and nothing needs acknowledging:
// an invalidation is idempotent and a restarted replica starts empty) and
// hands each event to the service's handler, which invalidates what the
// event makes stale — first in the shared tier behind the near copy (the
// Redis cache: otherwise a miss right after the event could copy the old
// value back from Redis, when the writer has not invalidated Redis yet),
// then in the near copy.
//
// Positioning: at start it reads the stream's newest id and reads on from
// there; the cache opens after the first XREAD answered, so every event
// committed after it opened is seen. Any Redis error closes the cache
// (dropping every entry, see NearCache::SetOpen); reading resumes after the
// last entry handled, and the cache reopens once the entries missed in the
// gap have been applied.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/cache/near_cache.h"
#include "common/events/background_task.h"
#include "common/redis/redis_client.h"
#include "gongtong/events/v1/envelope.pb.h"

namespace gongtong::cache {

// Invalidates what `event` makes stale (nothing, for most events). An error
// (the shared tier unreachable) closes the caches; the event is handled
// again after the gap.
using InvalidateForEvent = std::function<absl::Status(const gongtong::events::v1::EventEnvelope& event)>;

struct NearCacheInvalidatorOptions {
  std::string stream;
  int batch_size = 256;  // entries per XREAD
  std::chrono::milliseconds block{500};
  std::chrono::milliseconds error_backoff{500};
};

class NearCacheInvalidator : public BackgroundTask {
 public:
  // `caches`: every near cache `invalidate` maintains (opened and closed
  // together).
  NearCacheInvalidator(std::vector<NearCache*> caches, redis::Options redis, NearCacheInvalidatorOptions options,
                       InvalidateForEvent invalidate);
  ~NearCacheInvalidator() override;

  // One round: position if needed, then one XREAD and its invalidations;
  // opens the caches after it, closes them on an error. Returns the entries
  // read. Public for tests.
  absl::StatusOr<int> PollOnce();

  // The id of the last stream entry applied ("" before positioning): for
  // tests and diagnostics that wait until an event has been applied.
  std::string applied_through() const;

 protected:
  std::chrono::milliseconds RunOnce() override;

 private:
  absl::StatusOr<int> ReadOnce();
  absl::Status Position();
  void SetOpen(bool open);

  std::vector<NearCache*> caches_;
  redis::Client redis_;
  NearCacheInvalidatorOptions options_;
  InvalidateForEvent invalidate_;
  bool open_ = false;
  mutable std::mutex mu_;  // guards last_id_ for applied_through()
  std::string last_id_;    // empty = not positioned yet
  bool failing_ = false;
};

}  // namespace gongtong::cache
