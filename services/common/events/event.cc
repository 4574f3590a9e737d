#include "common/events/event.h"

#include <pqxx/binarystring>

#include <chrono>
#include <random>

#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"

namespace gongtong::events {

std::string StreamFor(const std::string& service) { return "gongtong:" + service + ":events"; }

std::string NewEventId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

EventEnvelope MakeEvent(const std::string& producer, const std::string& aggregate_type,
                        const std::string& aggregate_id, int64_t aggregate_version,
                        const google::protobuf::Message& payload,
                        const std::string& correlation_id) {
  EventEnvelope e;
  e.set_event_id(NewEventId());
  e.set_event_type(payload.GetDescriptor()->full_name());
  e.set_aggregate_type(aggregate_type);
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(aggregate_version);
  *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  e.mutable_payload()->PackFrom(payload);
  e.set_correlation_id(correlation_id);
  e.set_producer(producer);
  return e;
}

void AppendToOutbox(pqxx::transaction_base& tx, const std::string& stream, const EventEnvelope& event) {
  const std::string bytes = event.SerializeAsString();
  tx.exec_params(
      "INSERT INTO outbox (event_id, stream, event_type, aggregate_id, envelope) "
      "VALUES ($1::uuid, $2, $3, $4, $5)",
      event.event_id(), stream, event.event_type(), event.aggregate_id(),
      pqxx::binarystring(bytes.data(), bytes.size()));
}

}  // namespace gongtong::events
