// FindFreeSlots on one date (R-SYNC-2 busy participants, R-SYNC-3 bell fit)
// and peak concurrency (R-SYNC-7 capacity): one row per case.
#include <gtest/gtest.h>

#include "booking/domain/free_slots.h"

namespace gongtong::booking {
namespace {

constexpr int M(int h, int m) { return h * 60 + m; }

// Host: 1 08:00–08:40, recess, 2 08:50–09:30, 3 09:55–10:35.
const std::vector<PeriodSlot> kHost = {{1, true, M(8, 0), M(8, 40)},
                                       {9, false, M(9, 30), M(9, 55)},
                                       {3, true, M(9, 55), M(10, 35)},
                                       {2, true, M(8, 50), M(9, 30)}};  // out of order on purpose
// Receiver A: same schedule as the host. Receiver B: 10 minutes later.
const ReceiverSchoolDay kSame{"schools/3310240002", {{1, true, M(8, 0), M(8, 40)}, {2, true, M(8, 50), M(9, 30)}, {3, true, M(9, 55), M(10, 35)}}};
const ReceiverSchoolDay kLater{"schools/3310240003", {{1, true, M(8, 10), M(8, 50)}, {2, true, M(9, 0), M(9, 40)}, {3, true, M(10, 5), M(10, 45)}}};
const ReceiverSchoolDay kMorningOnly{"schools/3310240004", {{1, true, M(8, 0), M(8, 40)}, {5, false, M(9, 55), M(10, 35)}}};

struct Slot {
  int host_period, start, end;
};

struct FreeRow {
  const char* rule_case;
  std::vector<ReceiverSchoolDay> receivers;
  std::vector<Interval> busy;
  int min_minutes;
  std::vector<Slot> want;
};
void PrintTo(const FreeRow& r, std::ostream* os) { *os << r.rule_case; }

class FreeSlotsTest : public ::testing::TestWithParam<FreeRow> {};

TEST_P(FreeSlotsTest, Row) {
  const FreeRow& r = GetParam();
  const auto got = FreeSlotsOnDay(kHost, r.receivers, r.busy, r.min_minutes);
  ASSERT_EQ(got.size(), r.want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].host_period, r.want[i].host_period) << i;
    EXPECT_EQ(got[i].start_min, r.want[i].start);
    EXPECT_EQ(got[i].end_min, r.want[i].end);
    EXPECT_EQ(got[i].receivers.size(), r.receivers.size());
  }
}

INSTANTIATE_TEST_SUITE_P(
    RSync2And3, FreeSlotsTest,
    ::testing::Values(
        FreeRow{"R-SYNC-3 same schedules: every host lesson, in time order", {kSame}, {}, 0,
                {{1, M(8, 0), M(8, 40)}, {2, M(8, 50), M(9, 30)}, {3, M(9, 55), M(10, 35)}}},
        FreeRow{"R-SYNC-3 example: 10 minutes apart, a full 40-min lesson fits nowhere", {kLater}, {}, 0, {}},
        FreeRow{"R-SYNC-3 example: 10 minutes apart, 30-min lessons fit narrowed", {kLater}, {}, 30,
                {{1, M(8, 10), M(8, 40)}, {2, M(9, 0), M(9, 30)}, {3, M(10, 5), M(10, 35)}}},
        FreeRow{"R-SYNC-3 a receiver's break is no lesson", {kMorningOnly}, {}, 0, {{1, M(8, 0), M(8, 40)}}},
        FreeRow{"R-SYNC-3 every receiver must fit", {kSame, kLater}, {}, 30,
                {{1, M(8, 10), M(8, 40)}, {2, M(9, 0), M(9, 30)}, {3, M(10, 5), M(10, 35)}}},
        FreeRow{"R-SYNC-2 a busy participant takes the slot", {kSame}, {{M(8, 50), M(9, 30)}}, 0,
                {{1, M(8, 0), M(8, 40)}, {3, M(9, 55), M(10, 35)}}},
        FreeRow{"R-SYNC-2 half-open: busy until 08:50 leaves period 2 (from 08:50) free", {kSame},
                {{M(8, 40), M(8, 50)}}, 0, {{1, M(8, 0), M(8, 40)}, {2, M(8, 50), M(9, 30)}, {3, M(9, 55), M(10, 35)}}},
        FreeRow{"R-SYNC-2 busy only outside the narrowed window does not count", {kLater}, {{M(8, 0), M(8, 10)}}, 30,
                {{1, M(8, 10), M(8, 40)}, {2, M(9, 0), M(9, 30)}, {3, M(10, 5), M(10, 35)}}},
        FreeRow{"R-SYNC-3 no receivers: the host's lessons", {}, {}, 0,
                {{1, M(8, 0), M(8, 40)}, {2, M(8, 50), M(9, 30)}, {3, M(9, 55), M(10, 35)}}}));

TEST(FreeSlotMatchTest, ReportsTheReceiversPeriods) {
  const auto got = FreeSlotsOnDay(kHost, {kLater}, {}, 30);
  ASSERT_EQ(got.size(), 3u);
  ASSERT_EQ(got[0].receivers.size(), 1u);
  EXPECT_EQ(got[0].receivers[0].school, kLater.school);
  EXPECT_EQ(got[0].receivers[0].period, 1);
  EXPECT_EQ(got[0].receivers[0].overlap_minutes, 30);
}

struct PeakRow {
  const char* rule_case;
  std::vector<Interval> intervals;
  int start, end;
  int want;
};
void PrintTo(const PeakRow& r, std::ostream* os) { *os << r.rule_case; }

class PeakOverlapTest : public ::testing::TestWithParam<PeakRow> {};

TEST_P(PeakOverlapTest, Row) {
  EXPECT_EQ(PeakOverlap(GetParam().intervals, GetParam().start, GetParam().end), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    RSync7, PeakOverlapTest,
    ::testing::Values(
        PeakRow{"R-SYNC-7 nothing live", {}, M(8, 0), M(8, 40), 0},
        PeakRow{"R-SYNC-7 two at once", {{M(8, 0), M(8, 40)}, {M(8, 10), M(8, 50)}}, M(8, 0), M(8, 40), 2},
        PeakRow{"R-SYNC-7 back to back is one at a time (half-open)", {{M(8, 0), M(8, 40)}, {M(8, 40), M(9, 20)}},
                M(8, 0), M(9, 20), 1},
        PeakRow{"R-SYNC-7 overlaps outside the window do not count",
                {{M(8, 0), M(8, 40)}, {M(8, 10), M(8, 50)}, {M(8, 20), M(9, 0)}}, M(8, 40), M(9, 0), 2},
        PeakRow{"R-SYNC-7 an interval ending at the window's start does not count", {{M(7, 0), M(8, 0)}}, M(8, 0),
                M(8, 40), 0},
        PeakRow{"R-SYNC-7 staggered: peak is 3 in 08:20-08:30",
                {{M(8, 0), M(8, 30)}, {M(8, 10), M(8, 40)}, {M(8, 20), M(8, 50)}, {M(8, 30), M(9, 0)}}, M(8, 0),
                M(9, 0), 3},
        PeakRow{"R-SYNC-7 empty intervals are ignored", {{M(8, 10), M(8, 10)}}, M(8, 0), M(8, 40), 0}));

}  // namespace
}  // namespace gongtong::booking
