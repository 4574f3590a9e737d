#pragma once
// The support family's background work: the consumer of the booking
// service's events (stream "gongtong:booking:events", group
// "assessment-support") that records delivered synchronous sessions
// (storage/support_session_batch_ingest.h, a whole batch at a time).

#include <memory>
#include <string>

#include "common/events/stream_consumer.h"

namespace gongtong::assessment {

inline constexpr char kBookingStream[] = "gongtong:booking:events";
inline constexpr char kSupportConsumerGroup[] = "assessment-support";

// A consumer that handles SessionDelivered and ignores every other event.
std::unique_ptr<events::StreamConsumer> MakeDeliveredSessionConsumer(pg::Pool* pool, const redis::Options& redis,
                                                                     const std::string& consumer_name);

}  // namespace gongtong::assessment
