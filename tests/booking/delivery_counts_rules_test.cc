// R-SYNC-5 (yearly delivered count per pairing, target ≥ 100): one row per
// case.
#include <gtest/gtest.h>

#include "booking/domain/delivery_counts.h"

namespace gongtong::booking {
namespace {

struct BucketRow {
  const char* rule_case;
  v1::SessionState state;
  v1::CancellationReason reason;
  bool window_ahead;
  CountBucket want;
};
void PrintTo(const BucketRow& r, std::ostream* os) { *os << r.rule_case; }

class BucketTest : public ::testing::TestWithParam<BucketRow> {};

TEST_P(BucketTest, Row) {
  EXPECT_EQ(BucketOf(GetParam().state, GetParam().reason, GetParam().window_ahead), GetParam().want);
}

constexpr auto kNoReason = v1::CANCELLATION_REASON_UNSPECIFIED;
INSTANTIATE_TEST_SUITE_P(
    RSync5, BucketTest,
    ::testing::Values(
        BucketRow{"R-SYNC-5 delivered counts", v1::SESSION_STATE_DELIVERED, kNoReason, false, CountBucket::kDelivered},
        BucketRow{"R-SYNC-5 not delivered", v1::SESSION_STATE_NOT_DELIVERED, kNoReason, false, CountBucket::kNotDelivered},
        BucketRow{"R-SYNC-5 cancelled by the host", v1::SESSION_STATE_CANCELLED, v1::CANCELLATION_REASON_HOST_REQUEST,
                  false, CountBucket::kCancelled},
        BucketRow{"R-SYNC-5 all receivers declined", v1::SESSION_STATE_CANCELLED,
                  v1::CANCELLATION_REASON_RECEIVERS_DECLINED, true, CountBucket::kCancelled},
        BucketRow{"R-SYNC-5 a lapsed hold was never booked", v1::SESSION_STATE_CANCELLED,
                  v1::CANCELLATION_REASON_HOLD_EXPIRED, true, CountBucket::kNone},
        BucketRow{"R-SYNC-5 confirmed and ahead is upcoming", v1::SESSION_STATE_CONFIRMED, kNoReason, true,
                  CountBucket::kUpcoming},
        BucketRow{"R-SYNC-5 pending and ahead is upcoming", v1::SESSION_STATE_PENDING_CONFIRMATION, kNoReason, true,
                  CountBucket::kUpcoming},
        BucketRow{"R-SYNC-5 confirmed, started, not yet marked: nothing", v1::SESSION_STATE_CONFIRMED, kNoReason, false,
                  CountBucket::kNone},
        BucketRow{"R-SYNC-5 a hold is not booked", v1::SESSION_STATE_HELD, kNoReason, true, CountBucket::kNone}));

common::v1::Subject Subject(common::v1::SubjectCode code, const std::string& custom = "") {
  common::v1::Subject s;
  s.set_code(code);
  s.set_custom_name(custom);
  return s;
}

TEST(TallyTest, CountsEachBucketAndDeliveredPerSubject) {
  v1::PairingDeliveryCount c;
  const auto chinese = Subject(common::v1::SUBJECT_CODE_CHINESE);
  const auto maths = Subject(common::v1::SUBJECT_CODE_MATHEMATICS);
  for (int i = 0; i < 3; ++i) Tally(CountBucket::kDelivered, chinese, &c);
  Tally(CountBucket::kDelivered, maths, &c);
  Tally(CountBucket::kDelivered, Subject(common::v1::SUBJECT_CODE_OTHER, "书法"), &c);
  Tally(CountBucket::kDelivered, Subject(common::v1::SUBJECT_CODE_OTHER, "围棋"), &c);
  Tally(CountBucket::kNotDelivered, chinese, &c);
  Tally(CountBucket::kCancelled, maths, &c);
  Tally(CountBucket::kUpcoming, maths, &c);
  Tally(CountBucket::kUpcoming, maths, &c);
  Tally(CountBucket::kNone, maths, &c);
  EXPECT_EQ(c.delivered(), 6);
  EXPECT_EQ(c.not_delivered(), 1);
  EXPECT_EQ(c.cancelled(), 1);
  EXPECT_EQ(c.upcoming(), 2);
  ASSERT_EQ(c.subject_counts_size(), 4);
  EXPECT_EQ(c.subject_counts(0).subject().code(), common::v1::SUBJECT_CODE_CHINESE);
  EXPECT_EQ(c.subject_counts(0).delivered(), 3);
  EXPECT_EQ(c.subject_counts(1).delivered(), 1);
  EXPECT_EQ(c.subject_counts(2).subject().custom_name(), "书法");
  EXPECT_EQ(c.subject_counts(3).subject().custom_name(), "围棋");
}

struct TargetRow {
  const char* rule_case;
  int delivered;
  bool meets;
};
void PrintTo(const TargetRow& r, std::ostream* os) { *os << r.rule_case; }

class TargetTest : public ::testing::TestWithParam<TargetRow> {};

TEST_P(TargetTest, Row) {
  v1::PairingDeliveryCount c;
  c.set_delivered(GetParam().delivered);
  EXPECT_EQ(MeetsTarget(c), GetParam().meets);
}

INSTANTIATE_TEST_SUITE_P(RSync5, TargetTest,
                         ::testing::Values(TargetRow{"R-SYNC-5 99 delivered misses the target", 99, false},
                                           TargetRow{"R-SYNC-5 exactly 100 meets it", 100, true},
                                           TargetRow{"R-SYNC-5 none delivered", 0, false}));

struct YearRow {
  const char* rule_case;
  absl::CivilDay date;
  int school_year;
};
void PrintTo(const YearRow& r, std::ostream* os) { *os << r.rule_case; }

class SchoolYearTest : public ::testing::TestWithParam<YearRow> {};

TEST_P(SchoolYearTest, Row) { EXPECT_EQ(SchoolYearOf(GetParam().date), GetParam().school_year); }

INSTANTIATE_TEST_SUITE_P(
    RSync5, SchoolYearTest,
    ::testing::Values(YearRow{"R-SYNC-5 1 September starts 2024学年", absl::CivilDay(2024, 9, 1), 2024},
                      YearRow{"R-SYNC-5 31 August ends 2023学年", absl::CivilDay(2024, 8, 31), 2023},
                      YearRow{"R-SYNC-5 spring term belongs to the year before", absl::CivilDay(2025, 3, 2), 2024},
                      YearRow{"R-SYNC-5 December", absl::CivilDay(2024, 12, 31), 2024}));

}  // namespace
}  // namespace gongtong::booking
