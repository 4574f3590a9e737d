#include "assessment/rpc/evaluation_tasks.h"

#include "assessment/storage/evaluation_indicator_ingest.h"
#include "assessment/storage/evaluation_registry_ingest.h"

namespace gongtong::assessment {

std::unique_ptr<events::StreamConsumer> MakeIndicatorConsumer(pg::Pool* pool, const redis::Options& redis,
                                                              const std::string& consumer_name) {
  events::ConsumerOptions options;
  options.stream = "gongtong:booking:events";
  options.group = kIndicatorConsumerGroup;
  options.consumer_name = consumer_name;
  return std::make_unique<events::StreamConsumer>(
      pool, redis, options, [](pqxx::work& tx, const gongtong::events::v1::EventEnvelope& e) -> absl::Status {
        if (e.event_type() != gongtong::events::v1::SessionDelivered::descriptor()->full_name()) {
          return absl::OkStatus();
        }
        gongtong::events::v1::SessionDelivered delivered;
        if (!e.payload().UnpackTo(&delivered)) {
          return absl::InvalidArgumentError("SessionDelivered payload does not parse");
        }
        return IngestDeliveredSessionIndicators(tx, delivered, e.occurred_at().seconds()).status();
      });
}

std::unique_ptr<events::StreamConsumer> MakeRegistryFactsConsumer(pg::Pool* pool, const redis::Options& redis,
                                                                  const std::string& consumer_name) {
  events::ConsumerOptions options;
  options.stream = "gongtong:registry:events";
  options.group = kRegistryConsumerGroup;
  options.consumer_name = consumer_name;
  return std::make_unique<events::StreamConsumer>(
      pool, redis, options,
      [](pqxx::work& tx, const gongtong::events::v1::EventEnvelope& e) { return ApplyRegistryEvent(tx, e); });
}

absl::Status WireEvaluationTasks(ServiceRuntime& rt) {
  rt.host->AddBackgroundTask(rt.Own(MakeIndicatorConsumer(rt.pool, rt.redis, rt.config->Get("instance"))));
  rt.host->AddBackgroundTask(rt.Own(MakeRegistryFactsConsumer(rt.pool, rt.redis, rt.config->Get("instance"))));
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
