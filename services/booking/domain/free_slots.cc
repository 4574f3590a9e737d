#include "booking/domain/free_slots.h"

#include <algorithm>
#include <utility>

namespace gongtong::booking {
namespace {

// The lesson period of `periods` with the largest overlap with [start, end)
// (lower number on ties), or nullptr when no lesson overlaps.
const PeriodSlot* BestLesson(const std::vector<PeriodSlot>& periods, int start, int end, int* overlap) {
  const PeriodSlot* best = nullptr;
  *overlap = 0;
  for (const PeriodSlot& p : periods) {
    if (!p.lesson) continue;
    const int o = OverlapMinutes(start, end, p.start_min, p.end_min);
    if (o > 0 && (o > *overlap || (o == *overlap && p.number < best->number))) {
      best = &p;
      *overlap = o;
    }
  }
  return best;
}

}  // namespace

std::vector<SlotCandidate> FreeSlotsOnDay(const std::vector<PeriodSlot>& host_periods,
                                          const std::vector<ReceiverSchoolDay>& receivers,
                                          const std::vector<Interval>& busy, int min_minutes) {
  std::vector<PeriodSlot> lessons;
  for (const PeriodSlot& p : host_periods) {
    if (p.lesson && p.end_min > p.start_min) lessons.push_back(p);
  }
  std::sort(lessons.begin(), lessons.end(), [](const PeriodSlot& a, const PeriodSlot& b) {
    return std::make_pair(a.start_min, a.number) < std::make_pair(b.start_min, b.number);
  });

  std::vector<SlotCandidate> out;
  for (const PeriodSlot& host : lessons) {
    SlotCandidate slot{host.number, host.start_min, host.end_min, {}};
    bool matched = true;
    for (const ReceiverSchoolDay& r : receivers) {
      int overlap = 0;
      const PeriodSlot* p = BestLesson(r.periods, slot.start_min, slot.end_min, &overlap);
      if (p == nullptr) {
        matched = false;
        break;
      }
      slot.start_min = std::max(slot.start_min, p->start_min);
      slot.end_min = std::min(slot.end_min, p->end_min);
      slot.receivers.push_back({r.school, p->number, overlap});
    }
    if (!matched) continue;
    const int required = min_minutes > 0 ? min_minutes : host.end_min - host.start_min;
    if (slot.end_min - slot.start_min < required) continue;
    const bool is_busy = std::any_of(busy.begin(), busy.end(), [&](const Interval& b) {
      return OverlapMinutes(b.start_min, b.end_min, slot.start_min, slot.end_min) > 0;
    });
    if (!is_busy) out.push_back(std::move(slot));
  }
  return out;
}

int PeakOverlap(const std::vector<Interval>& intervals, int start_min, int end_min) {
  // Sweep over the clipped intervals: +1 at a start, -1 at an end; ends sort
  // before starts at the same minute (half-open).
  std::vector<std::pair<int, int>> events;
  for (const Interval& i : intervals) {
    const int s = std::max(i.start_min, start_min), e = std::min(i.end_min, end_min);
    if (s >= e) continue;
    events.push_back({s, +1});
    events.push_back({e, -1});
  }
  std::sort(events.begin(), events.end());
  int current = 0, peak = 0;
  for (const auto& [minute, delta] : events) {
    current += delta;
    peak = std::max(peak, current);
  }
  return peak;
}

}  // namespace gongtong::booking
