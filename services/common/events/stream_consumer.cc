#include "common/pg/arrays.h"
#include "common/events/stream_consumer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "common/log/log.h"

namespace gongtong::events {
namespace {

const std::string* Field(const redis::Reply& flat, std::string_view key) {
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    if (flat.elements[i].str == key) return &flat.elements[i + 1].str;
  }
  return nullptr;
}


}  // namespace

StreamConsumer::StreamConsumer(pg::Pool* pool, redis::Options redis, ConsumerOptions options,
                               EventHandler handler)
    : BackgroundTask("consumer:" + options.group),
      pool_(pool),
      redis_(std::move(redis)),
      options_(std::move(options)),
      handler_(std::move(handler)) {
  if (options_.dead_letter_stream.empty()) options_.dead_letter_stream = options_.stream + ":dead-letter";
  // A blocking read must not hit the client's command timeout.
  redis_.SetCommandTimeout(options_.block + std::chrono::milliseconds(1000));
}

StreamConsumer::StreamConsumer(pg::Pool* pool, redis::Options redis, ConsumerOptions options,
                               BatchEventHandler handler)
    : StreamConsumer(pool, std::move(redis), std::move(options), EventHandler()) {
  batch_handler_ = std::move(handler);
}

StreamConsumer::~StreamConsumer() { Stop(); }

absl::Status StreamConsumer::EnsureGroup() {
  if (group_ready_) return absl::OkStatus();
  // "0": a new group starts at the beginning, so events published before
  // the consumer first ran are not skipped.
  auto r = redis_.Command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!r.ok() && !absl::StartsWith(r.status().message(), "BUSYGROUP")) return r.status();
  group_ready_ = true;
  return absl::OkStatus();
}

absl::Status StreamConsumer::DeadLetter(const std::string& entry_id, const redis::Reply& fields,
                                        const std::string& reason) {
  std::vector<std::string> add = {"XADD", options_.dead_letter_stream, "*", "source_stream",
                                  options_.stream, "source_id", entry_id, "group", options_.group,
                                  "reason", reason};
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    add.push_back(fields.elements[i].str);
    add.push_back(fields.elements[i + 1].str);
  }
  auto r = redis_.Pipeline({add, {"XACK", options_.stream, options_.group, entry_id}});
  if (!r.ok()) return r.status();
  log::Error("event dead-lettered", {{"stream", options_.stream}, {"group", options_.group},
                                     {"entry", entry_id}, {"reason", reason}});
  return absl::OkStatus();
}

absl::Status StreamConsumer::DeadLetterExhausted() {
  // Extended XPENDING: [id, consumer, idle ms, deliveries] per entry.
  auto pending = redis_.Command({"XPENDING", options_.stream, options_.group, "IDLE",
                                 std::to_string(options_.reclaim_idle.count()), "-", "+", "100"});
  if (!pending.ok()) return pending.status();
  for (const auto& p : pending->elements) {
    if (p.elements.size() < 4 || p.elements[3].integer < options_.max_deliveries) continue;
    const std::string& id = p.elements[0].str;
    auto entry = redis_.Command({"XRANGE", options_.stream, id, id});
    if (!entry.ok()) return entry.status();
    redis::Reply fields;
    if (!entry->elements.empty() && entry->elements[0].elements.size() == 2) {
      fields = entry->elements[0].elements[1];
    }
    auto s = DeadLetter(id, fields, absl::StrCat("delivered ", p.elements[3].integer,
                                                 " times without success"));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

struct StreamConsumer::Entry {
  std::string id;
  gongtong::events::v1::EventEnvelope event;
};

absl::Status StreamConsumer::Apply(pqxx::work& tx, const gongtong::events::v1::EventEnvelope& event) {
  auto inserted = tx.exec_params(
      "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) "
      "ON CONFLICT DO NOTHING",
      options_.group, event.event_id());
  if (inserted.affected_rows() == 0) return absl::OkStatus();  // duplicate: already applied
  if (batch_handler_) return batch_handler_(tx, {&event});
  return handler_(tx, event);
}

absl::Status StreamConsumer::ApplyAll(pqxx::work& tx, const std::vector<Entry>& batch) {
  if (!batch_handler_) {
    for (const Entry& entry : batch) {
      if (auto applied = Apply(tx, entry.event); !applied.ok()) return applied;
    }
    return absl::OkStatus();
  }
  std::vector<std::string> ids;
  ids.reserve(batch.size());
  for (const Entry& entry : batch) ids.push_back(entry.event.event_id());
  // The 1-based position of the first entry of every event id inserted now
  // (an id twice in the batch is inserted once; one already there, never).
  auto fresh = tx.exec_params(
      "WITH input AS (SELECT id, pos FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, pos)), "
      "ins AS (INSERT INTO processed_events (consumer, event_id) SELECT DISTINCT $1, id FROM input "
      "ON CONFLICT DO NOTHING RETURNING event_id) "
      "SELECT min(input.pos) FROM input JOIN ins ON ins.event_id = input.id GROUP BY input.id ORDER BY 1",
      options_.group, pg::TextArray(ids));
  std::vector<const gongtong::events::v1::EventEnvelope*> events;
  events.reserve(fresh.size());
  for (const auto& row : fresh) events.push_back(&batch[row[0].as<size_t>() - 1].event);
  if (events.empty()) return absl::OkStatus();
  return batch_handler_(tx, events);
}

absl::Status StreamConsumer::HandleOne(const Entry& entry) {
  absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    if (auto applied = Apply(tx, entry.event); !applied.ok()) return applied;
    if (before_commit_) before_commit_();
    return absl::OkStatus();
  });
  if (!s.ok()) {
    log::Warn("event handler failed; will be redelivered",
              {{"stream", options_.stream}, {"group", options_.group}, {"event_id", entry.event.event_id()},
               {"event_type", entry.event.event_type()}, {"error", s.ToString()}});
    return s;
  }
  auto ack = redis_.Command({"XACK", options_.stream, options_.group, entry.id});
  return ack.ok() ? absl::OkStatus() : ack.status();
}

absl::StatusOr<int> StreamConsumer::HandleBatch(const std::vector<Entry>& batch) {
  if (batch.size() > 1) {
    // Transact may re-run this function after a serialization failure; it
    // keeps no state between attempts.
    absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
      if (auto applied = ApplyAll(tx, batch); !applied.ok()) return applied;
      if (before_commit_) before_commit_();
      return absl::OkStatus();
    });
    if (s.ok()) {
      std::vector<std::string> ack = {"XACK", options_.stream, options_.group};
      for (const Entry& entry : batch) ack.push_back(entry.id);
      auto acked = redis_.Command(ack);
      if (!acked.ok()) return acked.status();  // committed: the redelivery is de-duplicated
      return static_cast<int>(batch.size());
    }
    if (s.code() == absl::StatusCode::kUnavailable) return s;  // PG down: one by one would fail too
    log::Warn("event batch failed; applying its events one transaction each",
              {{"stream", options_.stream}, {"group", options_.group},
               {"entries", std::to_string(batch.size())}, {"error", s.ToString()}});
  }
  int handled = 0;
  for (const Entry& entry : batch) {
    absl::Status s = HandleOne(entry);
    if (s.code() == absl::StatusCode::kUnavailable) return s;  // Redis or PG down: stop the round
    if (s.ok()) ++handled;
  }
  return handled;
}

absl::StatusOr<int> StreamConsumer::HandleEntries(const redis::Reply& entries) {
  const size_t per_transaction = static_cast<size_t>(std::max(1, options_.transaction_batch));
  int handled = 0;
  std::vector<Entry> batch;
  auto flush = [&]() -> absl::Status {
    auto n = HandleBatch(batch);
    batch.clear();
    if (!n.ok()) return n.status();
    handled += *n;
    return absl::OkStatus();
  };
  for (const auto& entry : entries.elements) {
    // A claimed entry deleted from the stream arrives as nil: skip it.
    if (entry.elements.size() != 2) continue;
    const std::string* bytes = Field(entry.elements[1], "envelope");
    Entry parsed{entry.elements[0].str, {}};
    if (bytes == nullptr || !parsed.event.ParseFromString(*bytes) || parsed.event.event_id().empty()) {
      absl::Status s = DeadLetter(parsed.id, entry.elements[1], "unparsable envelope");
      if (s.code() == absl::StatusCode::kUnavailable) return s;
      if (s.ok()) ++handled;
      continue;
    }
    batch.push_back(std::move(parsed));
    if (batch.size() == per_transaction) {
      if (auto s = flush(); !s.ok()) return s;
    }
  }
  if (!batch.empty()) {
    if (auto s = flush(); !s.ok()) return s;
  }
  return handled;
}

absl::StatusOr<int> StreamConsumer::PollOnce() {
  if (auto s = EnsureGroup(); !s.ok()) return s;
  if (auto s = DeadLetterExhausted(); !s.ok()) return s;
  int handled = 0;
  // Reclaim entries another (dead) consumer left pending for too long.
  auto claimed = redis_.Command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer_name,
                                 std::to_string(options_.reclaim_idle.count()), "0-0", "COUNT",
                                 std::to_string(options_.batch_size)});
  if (!claimed.ok()) return claimed.status();
  if (claimed->elements.size() >= 2) {
    auto n = HandleEntries(claimed->elements[1]);
    if (!n.ok()) return n;
    handled += *n;
  }
  auto read = redis_.Command({"XREADGROUP", "GROUP", options_.group, options_.consumer_name, "COUNT",
                              std::to_string(options_.batch_size), "BLOCK",
                              std::to_string(options_.block.count()), "STREAMS", options_.stream, ">"});
  if (!read.ok()) {
    // The group vanishes when Redis lost its data or the stream was deleted.
    if (absl::StartsWith(read.status().message(), "NOGROUP")) group_ready_ = false;
    return read.status();
  }
  for (const auto& stream : read->elements) {  // nil reply (timeout) has no elements
    if (stream.elements.size() != 2) continue;
    auto n = HandleEntries(stream.elements[1]);
    if (!n.ok()) return n;
    handled += *n;
  }
  return handled;
}

std::chrono::milliseconds StreamConsumer::RunOnce() {
  auto n = PollOnce();
  if (!n.ok()) {
    if (!failing_) log::Warn("stream consumer failing; will retry", {{"group", options_.group}, {"error", n.status().ToString()}});
    failing_ = true;
    return options_.error_backoff;
  }
  if (failing_) log::Info("stream consumer recovered", {{"group", options_.group}});
  failing_ = false;
  return std::chrono::milliseconds(0);  // XREADGROUP BLOCK already paced the loop
}

}  // namespace gongtong::events
