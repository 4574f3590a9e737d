#include "assessment/rpc/evaluation_tasks.h"

#include "assessment/storage/evaluation_activity_ingest.h"
#include "assessment/storage/evaluation_indicator_ingest.h"
#include "assessment/storage/evaluation_registry_ingest.h"

namespace gongtong::assessment {
namespace {

// A consumer of `stream` in `group` whose handler applies each event with
// `apply` in the consumer's transaction.
std::unique_ptr<events::StreamConsumer> ConsumerOf(
    pg::Pool* pool, const redis::Options& redis, const char* stream, const char* group,
    const std::string& consumer_name,
    absl::Status (*apply)(pqxx::transaction_base&, const gongtong::events::v1::EventEnvelope&)) {
  events::ConsumerOptions options;
  options.stream = stream;
  options.group = group;
  options.consumer_name = consumer_name;
  return std::make_unique<events::StreamConsumer>(
      pool, redis, options,
      [apply](pqxx::work& tx, const gongtong::events::v1::EventEnvelope& e) { return apply(tx, e); });
}

}  // namespace

std::unique_ptr<events::StreamConsumer> MakeIndicatorConsumer(pg::Pool* pool, const redis::Options& redis,
                                                              const std::string& consumer_name) {
  return ConsumerOf(pool, redis, "gongtong:booking:events", kIndicatorConsumerGroup, consumer_name,
                    [](pqxx::transaction_base& tx, const gongtong::events::v1::EventEnvelope& e) -> absl::Status {
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
  return ConsumerOf(pool, redis, "gongtong:registry:events", kRegistryConsumerGroup, consumer_name,
                    ApplyRegistryEvent);
}

std::unique_ptr<events::StreamConsumer> MakeActivityConsumer(pg::Pool* pool, const redis::Options& redis,
                                                             const std::string& consumer_name) {
  return ConsumerOf(pool, redis, "gongtong:scheduling:events", kActivityConsumerGroup, consumer_name,
                    ApplyActivityEvent);
}

absl::Status WireEvaluationTasks(ServiceRuntime& rt) {
  rt.host->AddBackgroundTask(rt.Own(MakeIndicatorConsumer(rt.pool, rt.redis, rt.config->Get("instance"))));
  rt.host->AddBackgroundTask(rt.Own(MakeRegistryFactsConsumer(rt.pool, rt.redis, rt.config->Get("instance"))));
  rt.host->AddBackgroundTask(rt.Own(MakeActivityConsumer(rt.pool, rt.redis, rt.config->Get("instance"))));
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
