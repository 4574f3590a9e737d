// R-SYNC-4 (lead time on local Asia/Shanghai dates): one row per case.
#include <gtest/gtest.h>

#include "booking/domain/lead_time.h"

namespace gongtong::booking {
namespace {

struct LeadRow {
  const char* rule_case;
  absl::CivilDay today, date;
  int min_lead_days;
  int lead_days;
  bool short_notice;
};
void PrintTo(const LeadRow& r, std::ostream* os) { *os << r.rule_case; }

class LeadTimeTest : public ::testing::TestWithParam<LeadRow> {};

TEST_P(LeadTimeTest, Row) {
  const LeadRow& r = GetParam();
  EXPECT_EQ(LeadDays(r.today, r.date), r.lead_days);
  EXPECT_EQ(IsShortNotice(r.today, r.date, r.min_lead_days), r.short_notice);
}

INSTANTIATE_TEST_SUITE_P(
    RSync4, LeadTimeTest,
    ::testing::Values(
        LeadRow{"R-SYNC-4 exactly 7 days ahead is enough", absl::CivilDay(2026, 11, 16), absl::CivilDay(2026, 11, 23),
                7, 7, false},
        LeadRow{"R-SYNC-4 6 days ahead is short notice", absl::CivilDay(2026, 11, 17), absl::CivilDay(2026, 11, 23),
                7, 6, true},
        LeadRow{"R-SYNC-4 same day is short notice", absl::CivilDay(2026, 11, 23), absl::CivilDay(2026, 11, 23), 7, 0,
                true},
        LeadRow{"R-SYNC-4 across a month and year end", absl::CivilDay(2026, 12, 28), absl::CivilDay(2027, 1, 4), 7, 7,
                false},
        LeadRow{"R-SYNC-4 a community policy of 14 days", absl::CivilDay(2026, 11, 10), absl::CivilDay(2026, 11, 23),
                14, 13, true},
        LeadRow{"R-SYNC-4 a policy of 0 days never asks", absl::CivilDay(2026, 11, 23), absl::CivilDay(2026, 11, 23), 0,
                0, false}));

struct TodayRow {
  const char* rule_case;
  const char* utc;  // RFC 3339
  absl::CivilDay local;
};
void PrintTo(const TodayRow& r, std::ostream* os) { *os << r.rule_case; }

class LocalTodayTest : public ::testing::TestWithParam<TodayRow> {};

TEST_P(LocalTodayTest, Row) {
  absl::Time t;
  std::string err;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, GetParam().utc, &t, &err)) << err;
  EXPECT_EQ(LocalToday(t), GetParam().local);
}

INSTANTIATE_TEST_SUITE_P(
    RSync4, LocalTodayTest,
    ::testing::Values(TodayRow{"R-SYNC-4 15:59:59Z is still the same local day", "2026-11-22T15:59:59Z",
                               absl::CivilDay(2026, 11, 22)},
                      TodayRow{"R-SYNC-4 16:00Z is local midnight of the next day", "2026-11-22T16:00:00Z",
                               absl::CivilDay(2026, 11, 23)}));

TEST(LocalToInstantTest, FixedUtcPlus8) {
  EXPECT_EQ(absl::FormatTime(absl::RFC3339_full, LocalToInstant(absl::CivilDay(2026, 11, 23), 8 * 60 + 10),
                             absl::UTCTimeZone()),
            "2026-11-23T00:10:00+00:00");
  // 1440 is the next local midnight; before 08:00 local is the previous UTC day.
  EXPECT_EQ(LocalToInstant(absl::CivilDay(2026, 11, 23), 1440), LocalToInstant(absl::CivilDay(2026, 11, 24), 0));
  EXPECT_EQ(absl::FormatTime(absl::RFC3339_full, LocalToInstant(absl::CivilDay(2026, 7, 1), 7 * 60),
                             absl::UTCTimeZone()),
            "2026-06-30T23:00:00+00:00");
}

}  // namespace
}  // namespace gongtong::booking
