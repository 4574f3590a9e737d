// Outbox → relay → Redis Stream → consumer, against real PostgreSQL and
// Redis, including Redis restarts, a relay dying between XADD and marking
// rows published, poison events and stream trimming.
#include <gtest/gtest.h>

#include <thread>

#include "common/events/outbox_relay.h"
#include "common/events/stream_consumer.h"
#include "event_fixture.h"

namespace gongtong::testing {
namespace {

using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

events::ConsumerOptions Consumer(const std::string& stream, const std::string& group) {
  events::ConsumerOptions o;
  o.stream = stream;
  o.group = group;
  o.consumer_name = "c1";
  o.block = 200ms;
  o.error_backoff = 100ms;
  o.reclaim_idle = 1000ms;
  return o;
}

class EventPath : public EventFixture {};

class EventPathAcrossRestart : public EventFixture, public ::testing::WithParamInterface<int> {};

// The parameter is ConsumerOptions.transaction_batch: 1 (one transaction per
// entry) and 64 (batches).
TEST_P(EventPathAcrossRestart, EveryEventExactlyOnceAcrossARedisRestart) {
  constexpr int kEvents = 300;
  events::RelayOptions relay_options;
  relay_options.idle_poll = 20ms;
  relay_options.error_backoff = 100ms;
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options(), relay_options);
  auto options = Consumer(stream_, "g-restart");
  options.transaction_batch = GetParam();
  events::StreamConsumer consumer(pool_.get(), LocalRedis::Shared().options(), options, RecordingHandler());
  relay.Start();
  consumer.Start();

  std::thread producer([&] {
    for (int i = 0; i < kEvents; i += 10) {
      Produce(10, "r" + std::to_string(i) + "-");
      std::this_thread::sleep_for(15ms);
    }
  });
  std::this_thread::sleep_for(150ms);
  LocalRedis::Shared().Stop();  // mid-way: relay and consumer lose Redis
  std::this_thread::sleep_for(1000ms);
  LocalRedis::Shared().Start();  // AOF brings the stream and the group back
  producer.join();

  EXPECT_TRUE(WaitFor([&] { return Scalar("SELECT count(*) FROM received") >= kEvents; }, 30s));
  std::this_thread::sleep_for(300ms);  // would expose late duplicates
  relay.Stop();
  consumer.Stop();
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), kEvents);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT event_id) FROM received"), kEvents);
  EXPECT_EQ(Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), kEvents);
}

INSTANTIATE_TEST_SUITE_P(TransactionBatch, EventPathAcrossRestart, ::testing::Values(1, 64));

TEST_F(EventPath, RelayKilledBetweenXaddAndMarkingPublishedIsDeduplicated) {
  constexpr int kEvents = 50;
  Produce(kEvents);
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  relay.SetAfterPublishHookForTest([] { throw std::runtime_error("relay killed after XADD"); });
  EXPECT_FALSE(relay.PublishBatch().ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL"), kEvents);
  relay.SetAfterPublishHookForTest(nullptr);  // the restarted relay
  auto published = relay.PublishBatch();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, kEvents);

  redis::Client redis(LocalRedis::Shared().options());
  EXPECT_EQ(redis.Command({"XLEN", stream_})->integer, 2 * kEvents);  // every event twice

  events::StreamConsumer consumer(pool_.get(), LocalRedis::Shared().options(),
                                  Consumer(stream_, "g-dup"), RecordingHandler());
  int handled = 0;
  for (int round = 0; round < 10 && handled < 2 * kEvents; ++round) {
    auto n = consumer.PollOnce();
    ASSERT_TRUE(n.ok()) << n.status();
    handled += *n;
  }
  EXPECT_EQ(handled, 2 * kEvents);
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), kEvents);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT body) FROM received"), kEvents);
  auto pending = redis.Command({"XPENDING", stream_, "g-dup"});
  EXPECT_EQ(pending->elements[0].integer, 0);  // duplicates were acknowledged too
}

TEST_F(EventPath, APoisonEventIsDeadLetteredAfterMaxDeliveriesAndTheRestFlow) {
  Produce(1, "good-a");
  Produce(1, "poison");
  Produce(1, "good-b");
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  ASSERT_EQ(*relay.PublishBatch(), 3);
  auto options = Consumer(stream_, "g-poison");
  options.reclaim_idle = 50ms;
  options.max_deliveries = 3;
  std::atomic<int> poison_attempts{0};
  events::StreamConsumer consumer(
      pool_.get(), LocalRedis::Shared().options(), options,
      [&, inner = RecordingHandler()](pqxx::work& tx, const events::EventEnvelope& e) -> absl::Status {
        google::protobuf::StringValue body;
        e.payload().UnpackTo(&body);
        if (body.value() == "poison0") {
          ++poison_attempts;
          return absl::InternalError("cannot apply");
        }
        return inner(tx, e);
      });
  redis::Client redis(LocalRedis::Shared().options());
  const std::string dead = stream_ + ":dead-letter";
  ASSERT_TRUE(WaitFor([&] {
    (void)consumer.PollOnce();
    return redis.Command({"XLEN", dead})->integer == 1;
  }, 20s));
  EXPECT_EQ(poison_attempts.load(), 3);
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), 2);
  EXPECT_EQ(redis.Command({"XPENDING", stream_, "g-poison"})->elements[0].integer, 0);
  auto entry = redis.Command({"XRANGE", dead, "-", "+"});
  const auto& fields = entry->elements[0].elements[1].elements;
  bool has_reason = false;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    has_reason |= fields[i].str == "reason" && fields[i + 1].str.find("3 times") != std::string::npos;
  }
  EXPECT_TRUE(has_reason);
}

// Batched consumption (transaction_batch > 1): one transaction per batch,
// with the same guarantees as one transaction per entry.

int64_t Pending(redis::Client& redis, const std::string& stream, const std::string& group) {
  return redis.Command({"XPENDING", stream, group})->elements[0].integer;
}

TEST_F(EventPath, ABatchWithAPoisonEventInTheMiddleCommitsTheOthersOnceAndDeadLettersThePoison) {
  Produce(5, "before");
  Produce(1, "poison");
  Produce(4, "after");
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  ASSERT_EQ(*relay.PublishBatch(), 10);
  auto options = Consumer(stream_, "g-batch-poison");
  options.transaction_batch = 10;
  options.reclaim_idle = 50ms;
  options.max_deliveries = 3;
  std::atomic<int> poison_attempts{0};
  events::StreamConsumer consumer(
      pool_.get(), LocalRedis::Shared().options(), options,
      [&, inner = RecordingHandler()](pqxx::work& tx, const events::EventEnvelope& e) -> absl::Status {
        google::protobuf::StringValue body;
        e.payload().UnpackTo(&body);
        if (body.value() == "poison0") {
          ++poison_attempts;
          return absl::InternalError("cannot apply");
        }
        return inner(tx, e);
      });
  // The first round: the batch fails, its entries are applied one by one.
  auto first = consumer.PollOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 9);
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), 9);
  redis::Client redis(LocalRedis::Shared().options());
  EXPECT_EQ(Pending(redis, stream_, "g-batch-poison"), 1);  // only the poison

  const std::string dead = stream_ + ":dead-letter";
  ASSERT_TRUE(WaitFor([&] {
    (void)consumer.PollOnce();
    return redis.Command({"XLEN", dead})->integer == 1;
  }, 20s));
  // Three deliveries: the first ran it in the batch and then alone.
  EXPECT_EQ(poison_attempts.load(), 1 + 3);
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), 9);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT body) FROM received"), 9);
  EXPECT_EQ(Scalar("SELECT count(*) FROM received WHERE body = 'poison0'"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), 9);
  EXPECT_EQ(Pending(redis, stream_, "g-batch-poison"), 0);
  auto entry = redis.Command({"XRANGE", dead, "-", "+"});
  const auto& fields = entry->elements[0].elements[1].elements;
  bool has_reason = false;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    has_reason |= fields[i].str == "reason" && fields[i + 1].str.find("3 times") != std::string::npos;
  }
  EXPECT_TRUE(has_reason);
}

TEST_F(EventPath, ABatchThatCrashesBeforeCommitAppliesNothingAndItsRetryAppliesOnce) {
  constexpr int kEvents = 8;
  Produce(kEvents);
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  ASSERT_EQ(*relay.PublishBatch(), kEvents);
  auto options = Consumer(stream_, "g-batch-crash");
  options.transaction_batch = kEvents;
  options.reclaim_idle = 50ms;
  events::StreamConsumer consumer(pool_.get(), LocalRedis::Shared().options(), options, RecordingHandler());
  int crashes = 0;
  consumer.SetBeforeCommitHookForTest([&] {
    ++crashes;
    throw std::runtime_error("consumer killed after the handlers, before COMMIT");
  });
  auto crashed = consumer.PollOnce();
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  EXPECT_EQ(*crashed, 0);
  EXPECT_EQ(crashes, 1 + kEvents);  // the batch, then each entry alone
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), 0);
  redis::Client redis(LocalRedis::Shared().options());
  EXPECT_EQ(Pending(redis, stream_, "g-batch-crash"), kEvents);  // nothing acknowledged

  consumer.SetBeforeCommitHookForTest(nullptr);  // the restarted consumer
  ASSERT_TRUE(WaitFor([&] {
    (void)consumer.PollOnce();
    return Pending(redis, stream_, "g-batch-crash") == 0;
  }, 20s));
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), kEvents);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT body) FROM received"), kEvents);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), kEvents);
  EXPECT_EQ(redis.Command({"XLEN", stream_ + ":dead-letter"})->integer, 0);
}

TEST_F(EventPath, RedeliveringAnAcknowledgedBatchChangesNothing) {
  constexpr int kEvents = 20;
  Produce(kEvents);
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  ASSERT_EQ(*relay.PublishBatch(), kEvents);
  auto options = Consumer(stream_, "g-batch-redeliver");
  options.transaction_batch = kEvents;
  std::atomic<int> calls{0};
  events::StreamConsumer consumer(
      pool_.get(), LocalRedis::Shared().options(), options,
      [&, inner = RecordingHandler()](pqxx::work& tx, const events::EventEnvelope& e) {
        ++calls;
        return inner(tx, e);
      });
  auto first = consumer.PollOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, kEvents);
  EXPECT_EQ(calls.load(), kEvents);
  redis::Client redis(LocalRedis::Shared().options());
  EXPECT_EQ(Pending(redis, stream_, "g-batch-redeliver"), 0);

  // Rewind the group: every acknowledged entry is delivered again.
  ASSERT_TRUE(redis.Command({"XGROUP", "SETID", stream_, "g-batch-redeliver", "0"}).ok());
  auto again = consumer.PollOnce();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, kEvents);  // handled as duplicates
  EXPECT_EQ(calls.load(), kEvents);  // the handler did not run again
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), kEvents);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), kEvents);
  EXPECT_EQ(Pending(redis, stream_, "g-batch-redeliver"), 0);
}

// A BatchEventHandler gets a transaction's new events together, never one
// applied before, and one at a time when the batch failed.
TEST_F(EventPath, ABatchHandlerGetsOnlyNewEventsTogetherAndSinglesAfterAFailure) {
  Produce(6, "first");
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  ASSERT_EQ(*relay.PublishBatch(), 6);
  auto options = Consumer(stream_, "g-batch-handler");
  options.transaction_batch = 10;
  std::vector<size_t> calls;  // events per handler call
  events::StreamConsumer consumer(
      pool_.get(), LocalRedis::Shared().options(), options,
      events::BatchEventHandler([&, inner = RecordingHandler()](
                                    pqxx::work& tx, const std::vector<const events::EventEnvelope*>& batch) {
        calls.push_back(batch.size());
        for (const auto* e : batch) {
          google::protobuf::StringValue body;
          e->payload().UnpackTo(&body);
          if (body.value() == "poison0") return absl::InternalError("cannot apply");
          if (auto s = inner(tx, *e); !s.ok()) return s;
        }
        return absl::OkStatus();
      }));
  auto first = consumer.PollOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 6);
  EXPECT_EQ(calls, std::vector<size_t>({6}));  // one call for the batch

  // Four new events, then the group rewound: the six applied ones are
  // delivered again with them, and only the four reach the handler.
  Produce(4, "second");
  ASSERT_EQ(*relay.PublishBatch(), 4);
  redis::Client redis(LocalRedis::Shared().options());
  ASSERT_TRUE(redis.Command({"XGROUP", "SETID", stream_, "g-batch-handler", "0"}).ok());
  auto second = consumer.PollOnce();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 10);
  EXPECT_EQ(calls, std::vector<size_t>({6, 4}));
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), 10);
  EXPECT_EQ(Scalar("SELECT count(DISTINCT body) FROM received"), 10);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), 10);

  // A failing batch: rolled back whole, then each entry in its own
  // transaction as a one-event batch; the good ones commit.
  Produce(2, "third");
  Produce(1, "poison");
  ASSERT_EQ(*relay.PublishBatch(), 3);
  calls.clear();
  auto third = consumer.PollOnce();
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(*third, 2);
  EXPECT_EQ(calls, std::vector<size_t>({3, 1, 1, 1}));
  EXPECT_EQ(Scalar("SELECT count(*) FROM received"), 12);
  EXPECT_EQ(Scalar("SELECT count(*) FROM processed_events"), 12);
  EXPECT_EQ(Pending(redis, stream_, "g-batch-handler"), 1);  // only the poison
}

TEST_F(EventPath, TrimmingNeverRemovesUnacknowledgedEntries) {
  redis::Client redis(LocalRedis::Shared().options());
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(redis.Command({"XADD", stream_, "*", "n", std::to_string(i)})->str);
  ASSERT_TRUE(redis.Command({"XGROUP", "CREATE", stream_, "g", "0"}).ok());
  ASSERT_TRUE(redis.Command({"XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "STREAMS", stream_, ">"}).ok());
  ASSERT_TRUE(redis.Command({"XACK", stream_, "g", ids[0], ids[1]}).ok());
  // Entries 2..4 are pending, 5..9 never delivered: only 0 and 1 may go,
  // even with zero retention.
  auto trimmed = events::TrimStreamSafely(redis, stream_, 0ms);
  ASSERT_TRUE(trimmed.ok()) << trimmed.status();
  EXPECT_EQ(*trimmed, 2);
  EXPECT_EQ(redis.Command({"XLEN", stream_})->integer, 8);
  EXPECT_EQ(redis.Command({"XPENDING", stream_, "g"})->elements[0].integer, 3);
  // A second group that has seen nothing pins the whole stream.
  ASSERT_TRUE(redis.Command({"XGROUP", "CREATE", stream_, "late", "0"}).ok());
  EXPECT_EQ(*events::TrimStreamSafely(redis, stream_, 0ms), 0);
}

}  // namespace
}  // namespace gongtong::testing
