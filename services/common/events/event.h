#pragma once
// Building event envelopes and writing them to the outbox.

#include <string>

#include <pqxx/pqxx>

#include "google/protobuf/message.h"
#include "gongtong/events/v1/envelope.pb.h"

namespace gongtong::events {

using gongtong::events::v1::EventEnvelope;

// Stream a service publishes to: "gongtong:<service>:events".
std::string StreamFor(const std::string& service);

// A random (version 4) UUID, lower-case and hyphenated.
std::string NewEventId();

// An envelope with a fresh id, occurred_at = now, event_type = the payload's
// full message name, and the payload packed.
EventEnvelope MakeEvent(const std::string& producer, const std::string& aggregate_type,
                        const std::string& aggregate_id, int64_t aggregate_version,
                        const google::protobuf::Message& payload,
                        const std::string& correlation_id);

// Writes `event` to the outbox of the transaction's schema. Call it in the
// same transaction as the change it describes: both commit or neither.
void AppendToOutbox(pqxx::transaction_base& tx, const std::string& stream, const EventEnvelope& event);

}  // namespace gongtong::events
