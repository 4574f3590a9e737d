#include "common/events/outbox_relay.h"

#include <pqxx/binarystring>

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"

namespace gongtong::events {
namespace {

struct StreamId {
  uint64_t ms = 0, seq = 0;
  static StreamId Parse(const std::string& s) {
    StreamId id;
    std::vector<std::string> parts = absl::StrSplit(s, '-');
    if (parts.size() == 2) {
      (void)absl::SimpleAtoi(parts[0], &id.ms);
      (void)absl::SimpleAtoi(parts[1], &id.seq);
    }
    return id;
  }
  bool operator<(const StreamId& o) const { return ms < o.ms || (ms == o.ms && seq < o.seq); }
  StreamId Next() const { return seq == UINT64_MAX ? StreamId{ms + 1, 0} : StreamId{ms, seq + 1}; }
  std::string ToString() const { return absl::StrCat(ms, "-", seq); }
};

// Finds the value following `key` in a flat [k, v, k, v...] reply.
const redis::Reply* Lookup(const redis::Reply& flat, std::string_view key) {
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    if (flat.elements[i].str == key) return &flat.elements[i + 1];
  }
  return nullptr;
}

}  // namespace

OutboxRelay::OutboxRelay(pg::Pool* pool, redis::Options redis, RelayOptions options)
    : BackgroundTask("outbox-relay"), pool_(pool), redis_(std::move(redis)), options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::StatusOr<int> OutboxRelay::PublishBatch() {
  int published = 0;
  absl::Status status = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    published = 0;
    // One relay per schema at a time keeps the publication order.
    auto locked = tx.exec_params1("SELECT pg_try_advisory_xact_lock(hashtext($1))",
                                  "gongtong.relay." + pool_->schema());
    if (!locked[0].as<bool>()) return absl::OkStatus();
    auto rows = tx.exec_params(
        "SELECT id, stream, event_id::text, event_type, envelope FROM outbox "
        "WHERE published_at IS NULL ORDER BY id LIMIT $1",
        options_.batch_size);
    if (rows.empty()) return absl::OkStatus();
    std::vector<std::vector<std::string>> commands;
    std::vector<std::string> ids;
    for (const auto& row : rows) {
      pqxx::binarystring envelope(row[4]);
      commands.push_back({"XADD", row[1].as<std::string>(), "*", "event_id", row[2].as<std::string>(),
                          "event_type", row[3].as<std::string>(), "envelope", envelope.str()});
      ids.push_back(row[0].as<std::string>());
    }
    auto replies = redis_.Pipeline(commands);
    if (!replies.ok()) return replies.status();  // rolls back: rows stay unpublished
    if (after_publish_) after_publish_();
    tx.exec(absl::StrCat("UPDATE outbox SET published_at = now() WHERE id IN (",
                         absl::StrJoin(ids, ","), ")"));
    published = static_cast<int>(ids.size());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return published;
}

void OutboxRelay::Housekeep() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_housekeeping_) return;
  next_housekeeping_ = now + std::chrono::minutes(1);
  std::set<std::string> streams;
  absl::Status s = pool_->Transact([&](pqxx::work& tx) {
    tx.exec_params("DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)",
                   static_cast<int>(options_.keep_published.count()));
    tx.exec("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
    for (const auto& row : tx.exec("SELECT DISTINCT stream FROM outbox")) {
      streams.insert(row[0].as<std::string>());
    }
    return absl::OkStatus();
  });
  for (const auto& stream : streams) {
    auto trimmed = TrimStreamSafely(redis_, stream, options_.stream_retention);
    if (!trimmed.ok()) log::Warn("stream trim failed", {{"stream", stream}, {"error", trimmed.status().ToString()}});
  }
  if (!s.ok()) log::Warn("outbox housekeeping failed", {{"error", s.ToString()}});
}

std::chrono::milliseconds OutboxRelay::RunOnce() {
  auto published = PublishBatch();
  if (!published.ok()) {
    if (!failing_) log::Warn("outbox relay cannot publish; will retry", {{"error", published.status().ToString()}});
    failing_ = true;
    return options_.error_backoff;
  }
  if (failing_) log::Info("outbox relay recovered");
  failing_ = false;
  if (*published == options_.batch_size) return std::chrono::milliseconds(0);
  Housekeep();
  return options_.idle_poll;
}

absl::StatusOr<int64_t> TrimStreamSafely(redis::Client& redis, const std::string& stream,
                                         std::chrono::milliseconds retention) {
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  StreamId cut{static_cast<uint64_t>(std::max<int64_t>(0, now_ms - retention.count())), 0};
  auto groups = redis.Command({"XINFO", "GROUPS", stream});
  if (!groups.ok()) {
    // No such stream: nothing to trim.
    if (groups.status().code() == absl::StatusCode::kFailedPrecondition) return 0;
    return groups.status();
  }
  for (const auto& group : groups->elements) {
    const redis::Reply* name = Lookup(group, "name");
    const redis::Reply* last = Lookup(group, "last-delivered-id");
    if (!name || !last) continue;
    StreamId floor = StreamId::Parse(last->str).Next();
    auto pending = redis.Command({"XPENDING", stream, name->str});  // summary form
    if (!pending.ok()) return pending.status();
    if (pending->elements.size() >= 2 && pending->elements[0].integer > 0) {
      StreamId oldest = StreamId::Parse(pending->elements[1].str);
      if (oldest < floor) floor = oldest;
    }
    if (floor < cut) cut = floor;
  }
  auto trimmed = redis.Command({"XTRIM", stream, "MINID", cut.ToString()});
  if (!trimmed.ok()) return trimmed.status();
  return trimmed->integer;
}

}  // namespace gongtong::events
