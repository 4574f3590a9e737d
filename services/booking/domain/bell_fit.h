#pragma once
// R-SYNC-3: a session's window must fall inside a LESSON period of the bell
// schedule of every participating school, with an overlap at least the
// window's length. Pure; times of day are int minutes since local midnight
// (Asia/Shanghai) and every window is half-open [start, end): a period ending
// 08:40 and a window starting 08:40 do not overlap.

#include <optional>
#include <vector>

namespace gongtong::booking {

// One period (节次) of a school's bell schedule on one date.
struct PeriodSlot {
  int number = 0;       // 节次, 1-based
  bool lesson = true;   // false for breaks, morning reading, recess...
  int start_min = 0;    // minutes since midnight, inclusive
  int end_min = 0;      // minutes since midnight, exclusive
};

// How a window fits one school's periods.
struct BellFit {
  bool fits = false;          // some LESSON period covers the whole window
  int nearest_period = 0;     // period with the largest overlap (0 if none overlaps)
  int overlap_minutes = 0;    // that period's overlap with the window
  int required_minutes = 0;   // end - start
};

// Minutes [a_start, a_end) and [b_start, b_end) share; 0 when disjoint.
int OverlapMinutes(int a_start, int a_end, int b_start, int b_end);

// fits iff some LESSON period overlaps [start_min, end_min) by at least
// end_min - start_min minutes (an empty or inverted window never fits).
// nearest_period: the period (any kind; lessons preferred on ties, then the
// lower number) with the largest overlap, 0 if none overlaps at all.
BellFit FitWindow(const std::vector<PeriodSlot>& periods, int start_min, int end_min);

// The period with this number, or nullopt.
std::optional<PeriodSlot> FindPeriod(const std::vector<PeriodSlot>& periods, int number);

}  // namespace gongtong::booking
