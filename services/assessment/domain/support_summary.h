#pragma once
// A term's support-teaching records in teaching order and their totals
// (R-SUP-3, R-SUP-4), and whether the term counts. Pure functions, no I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "assessment/domain/support_hours.h"
#include "assessment/domain/support_year.h"

namespace gongtong::assessment {

// One live activity record as the summary sees it.
struct RecordLine {
  std::string record_id;
  LocalDate date;
  int start_minute = -1;    // minutes after midnight; -1 when not given
  int64_t created_seq = 0;  // creation order (database sequence)
  av1::ActivityRecordKind kind = av1::ACTIVITY_RECORD_KIND_UNSPECIFIED;
  int quantity = 0;              // lessons, or half days for RESEARCH
  CentiHours hours = 0;          // credited when recorded
  std::string receiving_school;  // "schools/{code}"
  std::string evidence_title;    // "" when missing
  bool manual = true;            // RECORD_SOURCE_MANUAL (evidence required)
};

// Teaching order (R-SUP-4): date, then start time (a record without one
// first), then creation.
void SortInTeachingOrder(std::vector<RecordLine>& lines);

struct Totals {
  int lessons_taught = 0, lessons_observed = 0, lesson_talks = 0, research_half_days = 0;
  CentiHours hours = 0;
};
Totals Sum(const std::vector<RecordLine>& lines);

// Whether a term in `state` counts towards certification (R-SUP-4: unsigned
// terms do not count): from TOWNSHIP_SIGNED, or only COUNTY_RECEIVED when
// the rules require the county's receipt.
bool TermCounts(av1::SummaryState state, bool require_county_receipt);

// Manual records without evidence, which block confirmation.
std::vector<std::string> RecordsMissingEvidence(const std::vector<RecordLine>& lines);

}  // namespace gongtong::assessment
