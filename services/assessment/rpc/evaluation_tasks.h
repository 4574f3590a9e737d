#pragma once
// The evaluation and Party families' background work:
//   - the consumer of the booking service's events (stream
//     "gongtong:booking:events", its own group "assessment-indicators") that
//     counts delivered synchronous sessions for the R-SYNC-5 indicator
//     (storage/evaluation_indicator_ingest.h);
//   - the consumer of the registry's events ("gongtong:registry:events",
//     group "assessment-registry") that keeps community and Party-member
//     facts (storage/evaluation_registry_ingest.h);
//   - the consumer of the scheduling service's events
//     ("gongtong:scheduling:events", group "assessment-activities") that
//     counts held concentrated activities for the R-ACT-1 indicator
//     (storage/evaluation_activity_ingest.h).

#include <memory>
#include <string>

#include "common/events/stream_consumer.h"
#include "common/server/service_main.h"

namespace gongtong::assessment {

inline constexpr char kIndicatorConsumerGroup[] = "assessment-indicators";
inline constexpr char kRegistryConsumerGroup[] = "assessment-registry";
inline constexpr char kActivityConsumerGroup[] = "assessment-activities";

// A consumer that counts SessionDelivered and ignores every other event.
std::unique_ptr<events::StreamConsumer> MakeIndicatorConsumer(pg::Pool* pool, const redis::Options& redis,
                                                              const std::string& consumer_name);

// A consumer of the registry's community and teacher events.
std::unique_ptr<events::StreamConsumer> MakeRegistryFactsConsumer(pg::Pool* pool, const redis::Options& redis,
                                                                  const std::string& consumer_name);

// A consumer of the scheduling service's activity events (ActivityHeld,
// ActivityDeleted, ActivityScheduled; others ignored).
std::unique_ptr<events::StreamConsumer> MakeActivityConsumer(pg::Pool* pool, const redis::Options& redis,
                                                             const std::string& consumer_name);

// Adds the three consumers to the host (called by main()).
absl::Status WireEvaluationTasks(ServiceRuntime& rt);

}  // namespace gongtong::assessment
