#include "assessment/domain/support_summary.h"

#include <algorithm>
#include <tuple>

namespace gongtong::assessment {

void SortInTeachingOrder(std::vector<RecordLine>& lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const RecordLine& a, const RecordLine& b) {
    return std::make_tuple(a.date.Key(), a.start_minute, a.created_seq) <
           std::make_tuple(b.date.Key(), b.start_minute, b.created_seq);
  });
}

Totals Sum(const std::vector<RecordLine>& lines) {
  Totals t;
  for (const auto& l : lines) {
    switch (l.kind) {
      case av1::ACTIVITY_RECORD_KIND_TAUGHT:
        t.lessons_taught += l.quantity;
        break;
      case av1::ACTIVITY_RECORD_KIND_OBSERVED:
        t.lessons_observed += l.quantity;
        break;
      case av1::ACTIVITY_RECORD_KIND_LESSON_TALK:
        t.lesson_talks += l.quantity;
        break;
      case av1::ACTIVITY_RECORD_KIND_RESEARCH:
        t.research_half_days += l.quantity;
        break;
      default:
        break;
    }
    t.hours += l.hours;
  }
  return t;
}

bool TermCounts(av1::SummaryState state, bool require_county_receipt) {
  if (require_county_receipt) return state == av1::SUMMARY_STATE_COUNTY_RECEIVED;
  return state == av1::SUMMARY_STATE_TOWNSHIP_SIGNED || state == av1::SUMMARY_STATE_COUNTY_RECEIVED;
}

std::vector<std::string> RecordsMissingEvidence(const std::vector<RecordLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.manual && l.evidence_title.empty()) out.push_back(l.record_id);
  }
  return out;
}

}  // namespace gongtong::assessment
