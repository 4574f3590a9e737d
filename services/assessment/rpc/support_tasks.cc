#include "assessment/rpc/support_tasks.h"

#include "assessment/rpc/support_methods.h"
#include "assessment/storage/support_session_ingest.h"
#include "common/status/error.h"

namespace gongtong::assessment {

std::unique_ptr<events::StreamConsumer> MakeDeliveredSessionConsumer(pg::Pool* pool, const redis::Options& redis,
                                                                     const std::string& consumer_name) {
  events::ConsumerOptions options;
  options.stream = kBookingStream;
  options.group = kSupportConsumerGroup;
  options.consumer_name = consumer_name;
  // The handler keeps all its effects in the transaction, so a read's entries
  // are applied in one transaction (one commit each 100 events; issue 5).
  options.batch_size = 100;
  options.transaction_batch = 100;
  return std::make_unique<events::StreamConsumer>(
      pool, redis, options, [](pqxx::work& tx, const gongtong::events::v1::EventEnvelope& e) -> absl::Status {
        if (e.event_type() != gongtong::events::v1::SessionDelivered::descriptor()->full_name()) {
          return absl::OkStatus();
        }
        gongtong::events::v1::SessionDelivered delivered;
        if (!e.payload().UnpackTo(&delivered)) {
          return absl::InvalidArgumentError("SessionDelivered payload does not parse");
        }
        return IngestDeliveredSession(tx, delivered, e.correlation_id()).status();
      });
}

absl::Status WireSupportTasks(ServiceRuntime& rt) {
  rt.host->AddBackgroundTask(rt.Own(MakeDeliveredSessionConsumer(rt.pool, rt.redis, rt.config->Get("instance"))));
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
