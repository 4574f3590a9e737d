#pragma once
// Bulk-import rows of schools (ImportRows, entity SCHOOL): parsing and the
// per-row decision, pure. CSV records follow RFC 4180 (quotes, doubled
// quotes, commas and newlines inside quotes); JSON rows are School objects in
// the proto3 JSON mapping. A row identifies its school by school_code; on
// update only the row's columns (CSV) or present fields (JSON) are replaced.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/registry/v1/import.pb.h"
#include "gongtong/registry/v1/school.pb.h"
#include "registry/domain/import_fields.h"

namespace gongtong::registry {

// Columns a school CSV may name (school_code required).
const std::vector<std::string>& SchoolImportColumns();
// INVALID_ARGUMENT naming "header.columns[i]" for an unknown or duplicate
// column, or a missing school_code.
absl::Status CheckSchoolColumns(const std::vector<std::string>& columns);

// Splits one CSV record; INVALID_ARGUMENT for an unterminated quote or text
// after a closing quote. A UTF-8 BOM at the start is dropped.
absl::StatusOr<std::vector<std::string>> SplitCsvRecord(std::string_view text);

struct ParsedSchoolRow {
  int64_t row_number = 0;
  gongtong::registry::v1::School school;
  std::vector<std::string> paths;  // updatable fields the row sets
  // When the row cannot be parsed: the column and why (outcome REJECTED,
  // code INVALID_ARGUMENT).
  RowProblem problem;
  bool ok() const { return problem.empty(); }
};

ParsedSchoolRow ParseSchoolRow(const gongtong::registry::v1::ImportRow& row,
                               gongtong::registry::v1::ImportFormat format,
                               const std::vector<std::string>& columns);

// Copies the fields `paths` of `from` into `into`; a display-name change
// keeps the old name in former_names. Returns whether anything changed.
bool ApplySchoolFields(const gongtong::registry::v1::School& from, const std::vector<std::string>& paths,
                       gongtong::registry::v1::School* into);

}  // namespace gongtong::registry
