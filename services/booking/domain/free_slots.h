#pragma once
// FindFreeSlots on one date: the host's lesson periods in which every
// receiving school has an overlapping lesson period (R-SYNC-3) and no
// participant is busy (R-SYNC-2); and the peak concurrency of intervals for
// the capacity rule (R-SYNC-7). Pure; minutes since local midnight, half-open.

#include <string>
#include <vector>

#include "booking/domain/bell_fit.h"

namespace gongtong::booking {

struct Interval {
  int start_min = 0;
  int end_min = 0;
};

// One receiving school's periods on the date.
struct ReceiverSchoolDay {
  std::string school;  // "schools/{code}"
  std::vector<PeriodSlot> periods;
};

struct ReceiverMatch {
  std::string school;
  int period = 0;           // the receiver's lesson period used
  int overlap_minutes = 0;  // its overlap with the window as narrowed so far
};

struct SlotCandidate {
  int host_period = 0;
  int start_min = 0;
  int end_min = 0;
  std::vector<ReceiverMatch> receivers;  // in the order of `receivers`
};

// For each host LESSON period in time order: the window is the period,
// narrowed, receiver by receiver, to its overlap with that receiver school's
// best-overlapping lesson period (largest overlap with the window so far,
// lower number on ties; a receiver with none drops the period); kept when the
// window is ≥ min_minutes (0 = the host period's length) and no `busy`
// interval (the union of every participant's live sessions that day) overlaps
// it.
std::vector<SlotCandidate> FreeSlotsOnDay(const std::vector<PeriodSlot>& host_periods,
                                          const std::vector<ReceiverSchoolDay>& receivers,
                                          const std::vector<Interval>& busy, int min_minutes);

// Max number of `intervals` overlapping at any minute of [start_min, end_min)
// (capacity, R-SYNC-7); 0 when none touches it. Empty intervals are ignored.
int PeakOverlap(const std::vector<Interval>& intervals, int start_min, int end_min);

}  // namespace gongtong::booking
