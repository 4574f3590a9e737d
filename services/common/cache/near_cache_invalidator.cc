#include "common/cache/near_cache_invalidator.h"

#include "common/log/log.h"

namespace gongtong::cache {
namespace {

const std::string* EnvelopeField(const redis::Reply& flat) {
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    if (flat.elements[i].str == "envelope") return &flat.elements[i + 1].str;
  }
  return nullptr;
}

}  // namespace

NearCacheInvalidator::NearCacheInvalidator(std::vector<NearCache*> caches, redis::Options redis,
                                           NearCacheInvalidatorOptions options, InvalidateForEvent invalidate)
    : BackgroundTask("near-cache-invalidator"),
      caches_(std::move(caches)),
      redis_(std::move(redis)),
      options_(std::move(options)),
      invalidate_(std::move(invalidate)) {
  redis_.SetCommandTimeout(options_.block + std::chrono::milliseconds(1000));
}

NearCacheInvalidator::~NearCacheInvalidator() { Stop(); }

void NearCacheInvalidator::SetOpen(bool open) {
  for (NearCache* cache : caches_) cache->SetOpen(open);
  open_ = open;
}

absl::Status NearCacheInvalidator::Position() {
  auto newest = redis_.Command({"XREVRANGE", options_.stream, "+", "-", "COUNT", "1"});
  if (!newest.ok()) return newest.status();
  std::lock_guard<std::mutex> lock(mu_);
  last_id_ = newest->elements.empty() ? "0-0" : newest->elements[0].elements[0].str;
  return absl::OkStatus();
}

std::string NearCacheInvalidator::applied_through() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_id_;
}

absl::StatusOr<int> NearCacheInvalidator::PollOnce() {
  auto n = ReadOnce();
  // Events may be missed from here on: nothing cached may be served.
  if (!n.ok()) SetOpen(false);
  return n;
}

absl::StatusOr<int> NearCacheInvalidator::ReadOnce() {
  if (last_id_.empty()) {
    if (auto s = Position(); !s.ok()) return s;
  }
  auto read = redis_.Command({"XREAD", "COUNT", std::to_string(options_.batch_size), "BLOCK",
                              std::to_string(options_.block.count()), "STREAMS", options_.stream, last_id_});
  if (!read.ok()) return read.status();
  int n = 0;
  for (const auto& stream : read->elements) {  // a nil reply (timeout) has none
    if (stream.elements.size() != 2) continue;
    for (const auto& entry : stream.elements[1].elements) {
      if (entry.elements.size() != 2) continue;
      gongtong::events::v1::EventEnvelope event;
      const std::string* bytes = EnvelopeField(entry.elements[1]);
      if (bytes == nullptr || !event.ParseFromString(*bytes)) {
        // An entry this replica cannot read could name anything.
        for (NearCache* cache : caches_) cache->InvalidateAll();
      } else if (auto s = invalidate_(event); !s.ok()) {
        return s;  // read again after the gap
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_id_ = entry.elements[0].str;
      }
      ++n;
    }
  }
  if (!open_) SetOpen(true);
  return n;
}

std::chrono::milliseconds NearCacheInvalidator::RunOnce() {
  auto n = PollOnce();
  if (!n.ok()) {
    if (!failing_) {
      log::Warn("near cache closed: its event stream is unreachable", {{"stream", options_.stream},
                                                                        {"error", n.status().ToString()}});
    }
    failing_ = true;
    return options_.error_backoff;
  }
  if (failing_) log::Info("near cache reopened", {{"stream", options_.stream}});
  failing_ = false;
  return std::chrono::milliseconds(0);  // XREAD BLOCK paces the loop
}

}  // namespace gongtong::cache
