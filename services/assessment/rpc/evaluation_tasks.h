#pragma once
// The evaluation family's background work: the consumer of the booking
// service's events (stream "gongtong:booking:events", its own group
// "assessment-indicators") that counts delivered synchronous sessions for the
// R-SYNC-5 indicator (storage/evaluation_indicator_ingest.h).

#include <memory>
#include <string>

#include "common/events/stream_consumer.h"
#include "common/server/service_main.h"

namespace gongtong::assessment {

inline constexpr char kIndicatorConsumerGroup[] = "assessment-indicators";

// A consumer that counts SessionDelivered and ignores every other event.
std::unique_ptr<events::StreamConsumer> MakeIndicatorConsumer(pg::Pool* pool, const redis::Options& redis,
                                                              const std::string& consumer_name);

// Adds the consumer to the host (called by main()).
absl::Status WireEvaluationTasks(ServiceRuntime& rt);

}  // namespace gongtong::assessment
