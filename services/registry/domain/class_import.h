#pragma once
// Bulk-import rows of classes (ImportRows, entity SCHOOL_CLASS): parsing and
// the per-row field copy, pure. A row names its class by the natural key
// school_code + grade + class_number (import.proto); the validation is the
// unary methods' (roster_rules.h), run by the importer.
//
// CSV columns: school_code, grade, class_number (required), display_name,
// pupil_count, homeroom_teacher, home_classroom. grade by name ("GRADE_3"),
// short name ("3", "KINDERGARTEN_SENIOR") or number; homeroom_teacher as
// "teachers/{id}" or the teacher's staff_number (resolved by the importer);
// home_classroom as its resource name or its classroom id. JSON rows are
// SchoolClass objects with "school_code" added.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gongtong/registry/v1/import.pb.h"
#include "gongtong/registry/v1/school.pb.h"
#include "registry/domain/import_fields.h"

namespace gongtong::registry {

const std::vector<std::string>& ClassImportColumns();
// INVALID_ARGUMENT naming "header.columns[i]" / "header.columns".
absl::Status CheckClassColumns(const std::vector<std::string>& columns);

struct ParsedClassRow {
  int64_t row_number = 0;
  std::string school_code;
  gongtong::registry::v1::SchoolClass school_class;  // grade, class_number and the row's fields
  std::vector<std::string> paths;                    // updatable fields the row sets
  std::string homeroom_staff_number;                 // homeroom_teacher given as a staff number
  RowProblem problem;
  bool ok() const { return problem.empty(); }
};

ParsedClassRow ParseClassRow(const gongtong::registry::v1::ImportRow& row,
                             gongtong::registry::v1::ImportFormat format, const std::vector<std::string>& columns);

// Copies the fields `paths` of `from` into `into` as UpdateSchoolClass does
// (a generated display name follows grade and number); returns whether
// anything changed.
bool ApplyClassFields(const gongtong::registry::v1::SchoolClass& from, const std::vector<std::string>& paths,
                      gongtong::registry::v1::SchoolClass* into);

}  // namespace gongtong::registry
