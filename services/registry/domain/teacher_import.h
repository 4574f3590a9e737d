#pragma once
// Bulk-import rows of teachers (ImportRows, entity TEACHER): parsing and the
// per-row field copy, pure. A row names its teacher by staff_number
// (import.proto); school_code is required to create one and, on an existing
// teacher, must be her current school (a move is MoveTeacher's). The
// validation is the unary methods' (roster_rules.h), run by the importer.
//
// CSV columns: staff_number (required), school_code, display_name,
// subjects ("CHINESE|MATHEMATICS"), title, position, employment_status,
// stages ("PRIMARY|JUNIOR_MIDDLE"), party_membership.status,
// party_membership.organization ("partyOrganizations/{id}" or the id),
// party_membership.join_date (YYYY-MM-DD). Enums by full name, short name or
// number. JSON rows are Teacher objects ("school": "schools/{code}" or
// "school_code" added); honours only in JSON.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gongtong/registry/v1/import.pb.h"
#include "gongtong/registry/v1/teacher.pb.h"
#include "registry/domain/import_fields.h"

namespace gongtong::registry {

const std::vector<std::string>& TeacherImportColumns();
absl::Status CheckTeacherColumns(const std::vector<std::string>& columns);

struct ParsedTeacherRow {
  int64_t row_number = 0;
  std::string school_code;                     // "" when the row names none
  gongtong::registry::v1::Teacher teacher;     // staff_number and the row's fields
  std::vector<std::string> paths;              // updatable fields (or sub-fields) the row sets
  RowProblem problem;
  bool ok() const { return problem.empty(); }
};

ParsedTeacherRow ParseTeacherRow(const gongtong::registry::v1::ImportRow& row,
                                 gongtong::registry::v1::ImportFormat format,
                                 const std::vector<std::string>& columns);

// Copies the fields `paths` of `from` into `into` as UpdateTeacher does
// (unset employment status reads ACTIVE); returns whether anything changed.
bool ApplyTeacherFields(const gongtong::registry::v1::Teacher& from, const std::vector<std::string>& paths,
                        gongtong::registry::v1::Teacher* into);

}  // namespace gongtong::registry
