// R-SYNC-3 (bell-schedule fit): one row per case. Minutes since midnight,
// half-open windows.
#include <gtest/gtest.h>

#include "booking/domain/bell_fit.h"

namespace gongtong::booking {
namespace {

constexpr int M(int h, int m) { return h * 60 + m; }

// Host school: 08:00–08:40, break, 08:50–09:30. Receiver: 08:10–08:50, 09:00–09:40.
const std::vector<PeriodSlot> kHost = {{1, true, M(8, 0), M(8, 40)}, {0, false, M(8, 40), M(8, 50)}, {2, true, M(8, 50), M(9, 30)}};
const std::vector<PeriodSlot> kReceiver = {{1, true, M(8, 10), M(8, 50)}, {2, true, M(9, 0), M(9, 40)}};

struct FitRow {
  const char* rule_case;
  const std::vector<PeriodSlot>* periods;
  int start, end;
  bool fits;
  int nearest, overlap;
};
void PrintTo(const FitRow& r, std::ostream* os) { *os << r.rule_case; }

class FitWindowTest : public ::testing::TestWithParam<FitRow> {};

TEST_P(FitWindowTest, Row) {
  const FitRow& r = GetParam();
  const BellFit fit = FitWindow(*r.periods, r.start, r.end);
  EXPECT_EQ(fit.fits, r.fits);
  EXPECT_EQ(fit.nearest_period, r.nearest);
  EXPECT_EQ(fit.overlap_minutes, r.overlap);
  EXPECT_EQ(fit.required_minutes, r.end - r.start);
}

INSTANTIATE_TEST_SUITE_P(
    RSync3, FitWindowTest,
    ::testing::Values(
        FitRow{"R-SYNC-3 example: host's 40-min period fits the host", &kHost, M(8, 0), M(8, 40), true, 1, 40},
        FitRow{"R-SYNC-3 example: 08:00-08:40 at the receiver overlaps only 30 min: misfit", &kReceiver, M(8, 0),
               M(8, 40), false, 1, 30},
        FitRow{"R-SYNC-3 example: 08:10-08:40 (30 min) fits the host", &kHost, M(8, 10), M(8, 40), true, 1, 30},
        FitRow{"R-SYNC-3 example: 08:10-08:40 (30 min) fits the receiver", &kReceiver, M(8, 10), M(8, 40), true, 1,
               30},
        FitRow{"R-SYNC-3 half-open: window 08:40-08:50 is the break, not period 1 (ends 08:40)", &kHost, M(8, 40),
               M(8, 50), false, 0, 10},
        FitRow{"R-SYNC-3 half-open: window ending 08:50 as period 2 starts touches nothing of it", &kReceiver,
               M(8, 50), M(9, 0), false, 0, 0},
        FitRow{"R-SYNC-3 window spanning two periods fits neither (tie: lesson, lower number)", &kHost, M(8, 30), M(9, 0), false, 1, 10},
        FitRow{"R-SYNC-3 window inside a break is no lesson", &kHost, M(8, 41), M(8, 49), false, 0, 8},
        FitRow{"R-SYNC-3 no period at all", &kHost, M(14, 0), M(14, 40), false, 0, 0},
        FitRow{"R-SYNC-3 empty window never fits", &kHost, M(8, 10), M(8, 10), false, 0, 0},
        FitRow{"R-SYNC-3 tie on overlap prefers the lower number", &kReceiver, M(8, 45), M(9, 5), false, 1, 5}));

TEST(FindPeriodTest, FindsByNumberOrNothing) {
  ASSERT_TRUE(FindPeriod(kHost, 2).has_value());
  EXPECT_EQ(FindPeriod(kHost, 2)->start_min, M(8, 50));
  EXPECT_FALSE(FindPeriod(kHost, 7).has_value());
}

TEST(OverlapMinutesTest, HalfOpen) {
  EXPECT_EQ(OverlapMinutes(M(8, 0), M(8, 40), M(8, 40), M(9, 20)), 0);  // 08:40 end vs 08:40 start
  EXPECT_EQ(OverlapMinutes(M(8, 0), M(8, 41), M(8, 40), M(9, 20)), 1);
}

}  // namespace
}  // namespace gongtong::booking
