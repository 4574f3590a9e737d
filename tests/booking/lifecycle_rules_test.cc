// The session state machine (session.proto SessionState; R-SYNC-4 pending
// confirmation, R-SYNC-6 delivered / not delivered): every state × action.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "booking/domain/session_lifecycle.h"
#include "common/status/error.h"

namespace gongtong::booking {

std::string ZhOf(const absl::Status& s);                      // session_rules_test.cc
std::vector<std::string> FieldsOf(const absl::Status& s);     // session_rules_test.cc

namespace {

using A = SessionAction;
constexpr auto kHeld = v1::SESSION_STATE_HELD;
constexpr auto kPending = v1::SESSION_STATE_PENDING_CONFIRMATION;
constexpr auto kConfirmed = v1::SESSION_STATE_CONFIRMED;
constexpr auto kDelivered = v1::SESSION_STATE_DELIVERED;
constexpr auto kNotDelivered = v1::SESSION_STATE_NOT_DELIVERED;
constexpr auto kCancelled = v1::SESSION_STATE_CANCELLED;
constexpr auto kUnspecified = v1::SESSION_STATE_UNSPECIFIED;

// The allowed (state, action) pairs; every other pair is refused.
const std::set<std::pair<v1::SessionState, A>> kAllowed = {
    {kHeld, A::kCommit},         {kHeld, A::kExpireHold},     {kHeld, A::kCancel},
    {kHeld, A::kUpdate},         {kPending, A::kConfirm},     {kPending, A::kDecline},
    {kPending, A::kCancel},      {kPending, A::kUpdate},      {kConfirmed, A::kConfirm},
    {kConfirmed, A::kDecline},   {kConfirmed, A::kCancel},    {kConfirmed, A::kUpdate},
    {kConfirmed, A::kMarkDelivered}, {kConfirmed, A::kMarkNotDelivered},
};

struct TransitionRow {
  v1::SessionState state;
  A action;
};
void PrintTo(const TransitionRow& r, std::ostream* os) {
  *os << v1::SessionState_Name(r.state) << " " << ActionName(r.action);
}

std::vector<TransitionRow> AllPairs() {
  std::vector<TransitionRow> rows;
  for (auto s : {kUnspecified, kHeld, kPending, kConfirmed, kDelivered, kNotDelivered, kCancelled}) {
    for (auto a : {A::kCommit, A::kConfirm, A::kDecline, A::kCancel, A::kMarkDelivered, A::kMarkNotDelivered,
                   A::kUpdate, A::kExpireHold}) {
      rows.push_back({s, a});
    }
  }
  return rows;
}

class TransitionTest : public ::testing::TestWithParam<TransitionRow> {};

TEST_P(TransitionTest, AllowedOrRefusedWithState) {
  const auto [state, action] = GetParam();
  const absl::Status s = CheckTransition(state, action);
  SCOPED_TRACE(v1::SessionState_Name(state) + " " + ActionName(action));
  if (kAllowed.count({state, action}) > 0) {
    EXPECT_TRUE(s.ok()) << s;
    return;
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(s), "SESSION_STATE");
  EXPECT_EQ(FieldsOf(s), std::vector<std::string>{"name"});
  EXPECT_NE(ZhOf(s).find(StateZh(state)), std::string::npos) << ZhOf(s);
}

INSTANTIATE_TEST_SUITE_P(EveryStateAndAction, TransitionTest, ::testing::ValuesIn(AllPairs()));

TEST(TransitionMessageTest, DeliveringACancelledSessionSaysSoInChinese) {
  EXPECT_EQ(ZhOf(CheckTransition(kCancelled, A::kMarkDelivered)), "已取消的课程不能标记为已上课");
}

TEST(StateWhenBookedTest, ShortNoticeWaitsForReceivers) {
  EXPECT_EQ(StateWhenBooked(false), kConfirmed);  // R-SYNC-4 ≥ 7 days
  EXPECT_EQ(StateWhenBooked(true), kPending);     // R-SYNC-4 < 7 days
}

TEST(IsLiveTest, LiveStatesOccupyResources) {
  for (auto s : {kHeld, kPending, kConfirmed}) EXPECT_TRUE(IsLive(s)) << v1::SessionState_Name(s);
  for (auto s : {kUnspecified, kDelivered, kNotDelivered, kCancelled}) EXPECT_FALSE(IsLive(s)) << v1::SessionState_Name(s);
}

struct AnswersRow {
  const char* rule_case;
  bool short_notice;
  std::vector<v1::ReceiverState> receivers;
  v1::SessionState want;
};
void PrintTo(const AnswersRow& r, std::ostream* os) { *os << r.rule_case; }

class StateAfterAnswersTest : public ::testing::TestWithParam<AnswersRow> {};

TEST_P(StateAfterAnswersTest, Row) {
  EXPECT_EQ(StateAfterAnswers(GetParam().short_notice, GetParam().receivers), GetParam().want);
}

constexpr auto kRPending = v1::RECEIVER_STATE_PENDING;
constexpr auto kRConfirmed = v1::RECEIVER_STATE_CONFIRMED;
constexpr auto kRDeclined = v1::RECEIVER_STATE_DECLINED;

INSTANTIATE_TEST_SUITE_P(
    RSync4, StateAfterAnswersTest,
    ::testing::Values(
        AnswersRow{"R-SYNC-4 short notice, one of two confirmed: still pending", true, {kRConfirmed, kRPending}, kPending},
        AnswersRow{"R-SYNC-4 short notice, all confirmed: confirmed", true, {kRConfirmed, kRConfirmed}, kConfirmed},
        AnswersRow{"R-SYNC-4 short notice, one declined, the rest confirmed: confirmed", true, {kRDeclined, kRConfirmed},
                   kConfirmed},
        AnswersRow{"R-SYNC-4 short notice, one declined, one pending: pending", true, {kRDeclined, kRPending}, kPending},
        AnswersRow{"R-SYNC-4 every receiver declined: cancelled", true, {kRDeclined, kRDeclined}, kCancelled},
        AnswersRow{"R-SYNC-4 enough lead time: no answer needed", false, {kRPending, kRPending}, kConfirmed},
        AnswersRow{"R-SYNC-4 enough lead time, one declined: the other still receives", false, {kRDeclined, kRPending},
                   kConfirmed},
        AnswersRow{"R-SYNC-4 enough lead time, all declined: cancelled", false, {kRDeclined}, kCancelled},
        AnswersRow{"R-SYNC-4 no receiver left: cancelled", true, {}, kCancelled}));

}  // namespace
}  // namespace gongtong::booking
