#include "registry/domain/class_import.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "google/protobuf/util/message_differencer.h"
#include "registry/domain/roster_rules.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::SchoolClass;

const std::vector<std::string>& UpdatableClassFields() {
  static const auto* kPaths = new std::vector<std::string>{"display_name", "pupil_count", "homeroom_teacher",
                                                           "home_classroom"};
  return *kPaths;
}

bool Updatable(const std::string& path) {
  const auto& u = UpdatableClassFields();
  return std::find(u.begin(), u.end(), path) != u.end();
}

// The references as stored: a staff number is set aside for the importer, a
// bare classroom id becomes the classroom of the row's school.
void Resolve(ParsedClassRow& out) {
  SchoolClass& c = out.school_class;
  if (!c.homeroom_teacher().empty() && !absl::StartsWith(c.homeroom_teacher(), "teachers/")) {
    out.homeroom_staff_number = c.homeroom_teacher();
    c.clear_homeroom_teacher();
  }
  if (!c.home_classroom().empty() && !absl::StartsWith(c.home_classroom(), "schools/")) {
    c.set_home_classroom(ClassroomName(out.school_code, c.home_classroom()));
  }
}

bool ParseInt(const std::string& v, const std::string& column, int32_t* out, RowProblem* problem) {
  if (absl::SimpleAtoi(v, out)) return true;
  *problem = {column, "'" + v + "' is not a whole number"};
  return false;
}

}  // namespace

const std::vector<std::string>& ClassImportColumns() {
  static const auto* kColumns = new std::vector<std::string>{
      "school_code", "grade", "class_number", "display_name", "pupil_count", "homeroom_teacher", "home_classroom"};
  return *kColumns;
}

absl::Status CheckClassColumns(const std::vector<std::string>& columns) {
  return CheckImportColumns(columns, ClassImportColumns(), {"school_code", "grade", "class_number"});
}

ParsedClassRow ParseClassRow(const gongtong::registry::v1::ImportRow& row,
                             gongtong::registry::v1::ImportFormat format, const std::vector<std::string>& columns) {
  ParsedClassRow out;
  out.row_number = row.row_number();
  SchoolClass& c = out.school_class;
  if (format == gongtong::registry::v1::IMPORT_FORMAT_JSON) {
    std::map<std::string, std::string> extras;
    std::vector<std::string> present;
    if (!ParseJsonRow(row.text(), {"school_code"}, &c, &extras, &present, &out.problem)) return out;
    out.school_code = extras["school_code"];
    c.clear_name();  // output-only fields are ignored
    c.clear_school();
    c.clear_etag();
    c.clear_audit();
    for (const auto& p : present) {
      if (Updatable(p)) out.paths.push_back(p);
    }
    if (out.school_code.empty()) {
      out.problem = {"school_code", "is required"};
    } else if (c.grade() == 0) {
      out.problem = {"grade", "is required"};
    } else if (c.class_number() == 0) {
      out.problem = {"class_number", "is required"};
    }
    if (out.ok()) Resolve(out);
    return out;
  }
  const bool read = ForEachCsvField(row.text(), columns, &out.problem, [&](const std::string& col, const std::string& v) {
    if (Updatable(col)) out.paths.push_back(col);
    if (col == "school_code") {
      out.school_code = v;
    } else if (col == "grade") {
      int grade = 0;
      if (!ParseEnumText(v, gongtong::common::v1::Grade_descriptor(), &grade)) {
        out.problem = {col, "'" + v + "' is not a grade (GRADE_3, 3, KINDERGARTEN_SENIOR …)"};
        return false;
      }
      c.set_grade(static_cast<gongtong::common::v1::Grade>(grade));
    } else if (col == "class_number" || col == "pupil_count") {
      int32_t n = 0;
      if (!ParseInt(v, col, &n, &out.problem)) return false;
      col == "class_number" ? c.set_class_number(n) : c.set_pupil_count(n);
    } else if (col == "display_name") {
      c.set_display_name(v);
    } else if (col == "homeroom_teacher") {
      c.set_homeroom_teacher(v);
    } else if (col == "home_classroom") {
      c.set_home_classroom(v);
    }
    return true;
  });
  if (!read) return out;
  Resolve(out);
  return out;
}

bool ApplyClassFields(const SchoolClass& from, const std::vector<std::string>& paths, SchoolClass* into) {
  const SchoolClass before = *into;
  bool renamed = false;
  for (const auto& p : paths) {
    if (p == "display_name") {
      into->set_display_name(from.display_name());
      renamed = true;
    } else if (p == "pupil_count") {
      into->set_pupil_count(from.pupil_count());
    } else if (p == "homeroom_teacher") {
      into->set_homeroom_teacher(from.homeroom_teacher());
    } else if (p == "home_classroom") {
      into->set_home_classroom(from.home_classroom());
    }
  }
  NormalizeUpdatedClass(before, *into, renamed);
  return !google::protobuf::util::MessageDifferencer::Equals(before, *into);
}

}  // namespace gongtong::registry
