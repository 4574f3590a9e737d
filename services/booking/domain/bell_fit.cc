#include "booking/domain/bell_fit.h"

#include <algorithm>

namespace gongtong::booking {

int OverlapMinutes(int a_start, int a_end, int b_start, int b_end) {
  return std::max(0, std::min(a_end, b_end) - std::max(a_start, b_start));
}

BellFit FitWindow(const std::vector<PeriodSlot>& periods, int start_min, int end_min) {
  BellFit fit;
  fit.required_minutes = end_min - start_min;
  const PeriodSlot* best = nullptr;
  for (const PeriodSlot& p : periods) {
    const int overlap = OverlapMinutes(start_min, end_min, p.start_min, p.end_min);
    if (overlap <= 0) continue;
    if (p.lesson && overlap >= fit.required_minutes) fit.fits = true;
    const bool better = best == nullptr || overlap > fit.overlap_minutes ||
                        (overlap == fit.overlap_minutes &&
                         (p.lesson > best->lesson || (p.lesson == best->lesson && p.number < best->number)));
    if (better) {
      best = &p;
      fit.overlap_minutes = overlap;
    }
  }
  fit.nearest_period = best == nullptr ? 0 : best->number;
  return fit;
}

std::optional<PeriodSlot> FindPeriod(const std::vector<PeriodSlot>& periods, int number) {
  for (const PeriodSlot& p : periods) {
    if (p.number == number) return p;
  }
  return std::nullopt;
}

}  // namespace gongtong::booking
