// The R-ACT-1 indicator JOINT_ACTIVITIES_HELD fed by the scheduling service's
// events (issue 5 "Indicators computed from events"; DOMAIN §5 R-ACT-1, §6)
// against real PostgreSQL and Redis: real envelopes published on
// gongtong:scheduling:events, the consumer MakeActivityConsumer builds,
// and the figures read through ListIndicatorValues — 5 held concentrated
// activities in a term meet the target of 4, a deleted one is taken back,
// redelivery, republication under other event ids and replays of the whole
// stream count nothing twice, other kinds and other events count nothing,
// and a poison event does not stop the consumer.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "assessment/rpc/evaluation_tasks.h"
#include "common/events/event.h"
#include "common/redis/redis_client.h"
#include "evaluation_world.h"
#include "gongtong/events/v1/scheduling_events.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace gongtong::assessment::testing {
namespace {

namespace ev1 = gongtong::events::v1;
namespace sv1 = gongtong::scheduling::v1;
using gongtong::common::v1::TERM_KIND_AUTUMN;
using gongtong::common::v1::TERM_KIND_SPRING;
using gongtong::common::v1::TermKind;

constexpr char kStream[] = "gongtong:scheduling:events";

// A concentrated research activity of community `community`, HELD in
// `term` of the 2024 school year.
sv1::Activity HeldActivity(const std::string& id, int community, TermKind term,
                           sv1::ActivityKind kind = sv1::ACTIVITY_KIND_CONCENTRATED_RESEARCH) {
  sv1::Activity a;
  a.set_name("activities/" + id);
  a.set_title("集中研修：整本书阅读教学");
  a.set_kind(kind);
  a.set_community("communities/yh-" + std::to_string(community));
  a.set_host_school("schools/" + Core(community));
  a.set_half_days(1);
  a.set_state(sv1::ACTIVITY_STATE_HELD);
  a.mutable_term()->set_school_year(2024);
  a.mutable_term()->set_term(term);
  a.mutable_dates()->mutable_start_date()->set_year(term == TERM_KIND_AUTUMN ? 2024 : 2025);
  a.mutable_dates()->mutable_start_date()->set_month(term == TERM_KIND_AUTUMN ? 10 : 4);
  a.mutable_dates()->mutable_start_date()->set_day(15);
  return a;
}

class EvaluationActivitiesTest : public EvaluationWorld {
 protected:
  EvaluationActivitiesTest() : EvaluationWorld("evaluation_activities"), redis_(server_.redis_options()) {
    EXPECT_TRUE(redis_.Command({"DEL", kStream, std::string(kStream) + ":dead-letter"}).ok());
  }

  // A fresh event id (a UUID, as processed_events requires).
  std::string NewId() {
    char id[40];
    std::snprintf(id, sizeof id, "acacacac-0000-4000-8000-%012d", ++ids_);
    return id;
  }

  // Publishes `payload` as the scheduling service's outbox relay does, one
  // minute after the previous event; returns its envelope.
  ev1::EventEnvelope Publish(const google::protobuf::Message& payload, const std::string& activity) {
    auto env = events::MakeEvent("scheduling", "activity", activity, 1, payload, "corr-act");
    env.set_event_id(NewId());
    clock_ += 60;
    env.mutable_occurred_at()->set_seconds(clock_);
    env.mutable_occurred_at()->set_nanos(0);
    Xadd(env);
    published_.push_back(env);
    return env;
  }
  void Xadd(const ev1::EventEnvelope& env) {
    ASSERT_TRUE(redis_.Command({"XADD", kStream, "*", "event_id", env.event_id(), "event_type", env.event_type(),
                                "envelope", env.SerializeAsString()})
                    .ok());
  }
  ev1::EventEnvelope Held(const sv1::Activity& a) {
    ev1::ActivityHeld held;
    *held.mutable_activity() = a;
    held.mutable_attendance_sheet()->set_name(a.name() + "/attendanceSheet");
    return Publish(held, a.name());
  }
  ev1::EventEnvelope Deleted(const std::string& activity) {
    ev1::ActivityDeleted deleted;
    deleted.set_name(activity);
    deleted.set_last_state(sv1::ACTIVITY_STATE_HELD);
    return Publish(deleted, activity);
  }

  // Republishes every event published so far, in order, each under a new
  // event id (what a relay that lost its acknowledgements would do).
  void RepublishAllUnderNewIds() {
    const std::vector<ev1::EventEnvelope> all = published_;
    for (auto env : all) {
      env.set_event_id(NewId());
      Xadd(env);
    }
  }

  // Runs a fresh consumer until the stream has nothing more for it.
  void Drain() {
    auto consumer = MakeActivityConsumer(&server_.pool(), server_.redis_options(), "test-1");
    for (int round = 0; round < 20; ++round) {
      auto n = consumer->PollOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0) break;
    }
  }
  // Replays the whole stream from its first entry (the group is recreated).
  void ReplayWholeStream() {
    ASSERT_TRUE(redis_.Command({"XGROUP", "DESTROY", kStream, kActivityConsumerGroup}).ok());
    Drain();
  }

  // JOINT_ACTIVITIES_HELD of community `i` in the 2024 school year, by term,
  // as the county reads it.
  std::vector<av1::IndicatorValue> Values(int i) {
    av1::ListIndicatorValuesRequest req;
    req.set_school_year(2024);
    req.set_filter("metric = COMPUTED_METRIC_JOINT_ACTIVITIES_HELD AND community = \"communities/yh-" +
                   std::to_string(i) + "\"");
    av1::ListIndicatorValuesResponse resp;
    grpc::Status s = Call(&Stub::ListIndicatorValues, server_.stub(), req, &resp, kCounty);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.indicator_values().begin(), resp.indicator_values().end()};
  }
  // The autumn figure of community `i` as "value/target/met/event_count".
  std::string Autumn(int i) {
    for (const auto& v : Values(i)) {
      if (v.period().term() == TERM_KIND_AUTUMN) {
        return v.value().value() + "/" + v.target().value() + "/" + (v.target_met() ? "met" : "below") + "/" +
               std::to_string(v.event_count());
      }
    }
    return "none";
  }

  redis::Client redis_;
  std::vector<ev1::EventEnvelope> published_;
  int ids_ = 0;
  int64_t clock_ = 1729000000;  // 2024-10-15
};

TEST_F(EvaluationActivitiesTest, HeldConcentratedActivitiesCountOnceAndDeletionsAreTakenBack) {
  int64_t fourth_held = 0;
  for (int n = 1; n <= 5; ++n) {
    Held(HeldActivity("a" + std::to_string(n), 1, TERM_KIND_AUTUMN));
    if (n == 4) fourth_held = clock_;
  }
  Xadd(published_[0]);                                        // a1 redelivered (same event id)
  ev1::EventEnvelope again = published_[1];                   // a2 republished under another id
  again.set_event_id(NewId());
  Xadd(again);
  Held(HeldActivity("l1", 1, TERM_KIND_AUTUMN, sv1::ACTIVITY_KIND_LESSON_STUDY));  // not a concentrated one
  Held(HeldActivity("t1", 1, TERM_KIND_AUTUMN, sv1::ACTIVITY_KIND_STUDY_TRIP));    // neither
  ev1::ActivityCancelled cancelled;                           // a planned one called off: nothing
  *cancelled.mutable_activity() = HeldActivity("c1", 1, TERM_KIND_AUTUMN);
  cancelled.mutable_activity()->set_state(sv1::ACTIVITY_STATE_CANCELLED);
  Publish(cancelled, "activities/c1");
  Held(HeldActivity("s1", 1, TERM_KIND_SPRING));
  // Poison: an envelope that does not parse (dead-lettered), an ActivityHeld
  // whose payload is another message (refused, left for redelivery), an
  // event type nobody knows (ignored) — and the events after them count.
  ASSERT_TRUE(redis_.Command({"XADD", kStream, "*", "event_id", NewId(), "event_type",
                              "gongtong.events.v1.ActivityHeld", "envelope", "not a protobuf \xff\xff"})
                  .ok());
  {
    google::protobuf::Timestamp not_held;
    auto env = events::MakeEvent("scheduling", "activity", "activities/p1", 1, not_held, "corr-act");
    env.set_event_id(NewId());
    env.set_event_type("gongtong.events.v1.ActivityHeld");
    Xadd(env);
    auto unknown = events::MakeEvent("scheduling", "activity", "activities/p2", 1, not_held, "corr-act");
    unknown.set_event_id(NewId());
    unknown.set_event_type("gongtong.events.v1.ActivityTeleported");
    Xadd(unknown);
  }
  Held(HeldActivity("b1", 2, TERM_KIND_AUTUMN));
  Drain();

  // R-ACT-1: 5 concentrated activities in the autumn term meet the target 4.
  auto yh1 = Values(1);
  ASSERT_EQ(yh1.size(), 2u);
  EXPECT_EQ(yh1[0].subject(), "communities/yh-1");
  EXPECT_EQ(yh1[0].metric(), av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD);
  EXPECT_EQ(yh1[0].period().school_year(), 2024);
  EXPECT_EQ(yh1[0].period().term(), TERM_KIND_AUTUMN);
  EXPECT_EQ(yh1[0].value().value(), "5");
  EXPECT_EQ(yh1[0].target().value(), "4");
  EXPECT_TRUE(yh1[0].target_met());
  EXPECT_EQ(yh1[1].period().term(), TERM_KIND_SPRING);
  EXPECT_EQ(yh1[1].value().value(), "1");
  EXPECT_FALSE(yh1[1].target_met());
  EXPECT_EQ(Autumn(2), "1/4/below/1");
  EXPECT_EQ(Autumn(3), "none");
  // The unparsable envelope went to the dead-letter stream; the ActivityHeld
  // that is not one stays pending for redelivery, then dead-letters.
  EXPECT_EQ(redis_.Command({"XLEN", std::string(kStream) + ":dead-letter"})->integer, 1);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_indicator_events WHERE event_id = 'activities/p1'"), 0);

  // A held activity deleted (entered by mistake): 4, still met, and the last
  // event time is the latest remaining one's.
  Deleted("activities/a5");
  Drain();
  EXPECT_EQ(Autumn(1), "4/4/met/4");
  EXPECT_EQ(Values(1)[0].last_event_time().seconds(), fourth_held);

  // Replays of the whole stream — as redelivered, and republished under new
  // event ids — change nothing: a5 stays taken back.
  for (int replay = 0; replay < 2; ++replay) {
    ReplayWholeStream();
    EXPECT_EQ(Autumn(1), "4/4/met/4") << "replay " << replay;
    RepublishAllUnderNewIds();
    Drain();
    EXPECT_EQ(Autumn(1), "4/4/met/4") << "republication " << replay;
    EXPECT_EQ(Autumn(2), "1/4/below/1") << "republication " << replay;
    ASSERT_EQ(Values(1).size(), 2u);
    EXPECT_EQ(Values(1)[1].value().value(), "1");
  }
  // Deleting another one drops the term below the target.
  Deleted("activities/a1");
  Drain();
  EXPECT_EQ(Autumn(1), "3/4/below/3");
}

TEST_F(EvaluationActivitiesTest, AnUndeletedActivityHeldAgainCountsOnceAndOldEventsStayStale) {
  const sv1::Activity a = HeldActivity("u1", 1, TERM_KIND_AUTUMN);
  Held(a);
  Drain();
  EXPECT_EQ(Autumn(1), "1/4/below/1");
  Deleted(a.name());
  Drain();
  EXPECT_EQ(Autumn(1), "0/4/below/0");
  // A deleted activity's old ActivityHeld, republished, counts nothing.
  ev1::EventEnvelope stale = published_[0];
  stale.set_event_id(NewId());
  Xadd(stale);
  Drain();
  EXPECT_EQ(Autumn(1), "0/4/below/0");
  // UndeleteActivity puts it back PLANNED (ActivityScheduled); marked held
  // again, it counts again — once.
  ev1::ActivityScheduled restored;
  *restored.mutable_activity() = a;
  restored.mutable_activity()->set_state(sv1::ACTIVITY_STATE_PLANNED);
  Publish(restored, a.name());
  Drain();
  EXPECT_EQ(Autumn(1), "0/4/below/0");
  Held(a);
  Drain();
  EXPECT_EQ(Autumn(1), "1/4/below/1");
  // The whole stream (first Held, Deleted, republished Held, undelete, Held)
  // republished twice under new ids: the old Deleted does not take back the
  // new Held, the old Held does not add to it.
  for (int replay = 0; replay < 2; ++replay) {
    RepublishAllUnderNewIds();
    Drain();
    EXPECT_EQ(Autumn(1), "1/4/below/1") << "republication " << replay;
  }
  ReplayWholeStream();
  EXPECT_EQ(Autumn(1), "1/4/below/1");
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_indicator_events WHERE event_id LIKE 'activities/u1%'"), 2);
}

}  // namespace
}  // namespace gongtong::assessment::testing
