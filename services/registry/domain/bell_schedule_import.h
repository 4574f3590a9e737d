#pragma once
// Bulk-import rows of bell schedules (ImportRows, entity BELL_SCHEDULE):
// parsing, grouping CSV rows into schedules, and the per-schedule field
// copy, pure. A schedule is named by school_code + bell_schedule_id
// (import.proto); the validation is the unary methods'
// (BellScheduleViolations, the season check in the store).
//
// CSV: one row is one period; columns school_code, bell_schedule_id,
// period_number, start_time, end_time, days (required), display_name,
// season, annual_start, annual_end (MM-DD), effective_start, effective_end
// (YYYY-MM-DD), period_name, period_kind (empty = LESSON). The rows of one
// schedule are contiguous and make one unit: its schedule-level fields are
// the first row's (a later row with another non-empty value refuses the
// unit), its periods all the rows', in row order; every row of the unit
// reports the unit's outcome. JSON: one row is one BellSchedule with
// "school_code" and "bell_schedule_id" added.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gongtong/registry/v1/calendar.pb.h"
#include "gongtong/registry/v1/import.pb.h"
#include "registry/domain/import_fields.h"

namespace gongtong::registry {

const std::vector<std::string>& BellScheduleImportColumns();
absl::Status CheckBellScheduleColumns(const std::vector<std::string>& columns);

struct ParsedBellRow {
  int64_t row_number = 0;
  std::string school_code, id;                   // the schedule's key
  gongtong::registry::v1::BellSchedule schedule;  // CSV: the schedule-level fields and one period
  std::vector<std::string> paths;                 // schedule fields the row sets (always "periods")
  bool csv = false;
  RowProblem problem;
  bool ok() const { return problem.empty(); }
};

ParsedBellRow ParseBellScheduleRow(const gongtong::registry::v1::ImportRow& row,
                                   gongtong::registry::v1::ImportFormat format,
                                   const std::vector<std::string>& columns);

// Whether CSV row `next` continues the schedule of `first` (same key).
bool SameBellUnit(const ParsedBellRow& first, const ParsedBellRow& next);

// One schedule to apply: a JSON row, or a run of CSV rows of one key.
struct BellUnit {
  std::vector<int64_t> row_numbers;
  std::string school_code, id;
  gongtong::registry::v1::BellSchedule schedule;
  std::vector<std::string> paths;
  RowProblem problem;  // the first row's problem, or a disagreement between rows
  bool ok() const { return problem.empty(); }
};
BellUnit MergeBellRows(const std::vector<ParsedBellRow>& rows);

// Copies the fields `paths` of `from` into `into` (UpdateBellSchedule's
// mask: display_name, season, annual_start, annual_end, effective,
// effective.start_date, effective.end_date, periods); returns whether
// anything changed.
bool ApplyBellScheduleFields(const gongtong::registry::v1::BellSchedule& from, const std::vector<std::string>& paths,
                             gongtong::registry::v1::BellSchedule* into);

}  // namespace gongtong::registry
