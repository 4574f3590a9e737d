#include "registry/domain/teacher_import.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "google/protobuf/util/message_differencer.h"
#include "registry/domain/calendar_rules.h"
#include "registry/domain/party_rules.h"
#include "registry/domain/roster_rules.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
namespace cv1 = gongtong::common::v1;

const std::vector<std::string>& UpdatableTeacherFields() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "subjects", "title", "honours", "position", "party_membership", "employment_status", "stages",
      "party_membership.status", "party_membership.organization", "party_membership.join_date"};
  return *kPaths;
}

bool Updatable(const std::string& path) {
  const auto& u = UpdatableTeacherFields();
  return std::find(u.begin(), u.end(), path) != u.end();
}

bool Enum(const std::string& v, const google::protobuf::EnumDescriptor* type, const std::string& column, int* out,
          RowProblem* problem) {
  if (ParseEnumText(v, type, out)) return true;
  *problem = {column, "'" + v + "' is not a " + type->name()};
  return false;
}

}  // namespace

const std::vector<std::string>& TeacherImportColumns() {
  static const auto* kColumns = new std::vector<std::string>{
      "staff_number",      "school_code", "display_name",           "subjects",
      "title",             "position",    "employment_status",      "stages",
      "party_membership.status", "party_membership.organization", "party_membership.join_date"};
  return *kColumns;
}

absl::Status CheckTeacherColumns(const std::vector<std::string>& columns) {
  return CheckImportColumns(columns, TeacherImportColumns(), {"staff_number"});
}

ParsedTeacherRow ParseTeacherRow(const v1::ImportRow& row, v1::ImportFormat format,
                                 const std::vector<std::string>& columns) {
  ParsedTeacherRow out;
  out.row_number = row.row_number();
  v1::Teacher& t = out.teacher;
  if (format == v1::IMPORT_FORMAT_JSON) {
    std::map<std::string, std::string> extras;
    std::vector<std::string> present;
    if (!ParseJsonRow(row.text(), {"school_code"}, &t, &extras, &present, &out.problem)) return out;
    out.school_code = extras["school_code"];
    if (out.school_code.empty() && absl::StartsWith(t.school(), "schools/")) {
      out.school_code = t.school().substr(std::string("schools/").size());
    }
    t.clear_name();  // output-only fields are ignored
    t.clear_school();
    t.clear_etag();
    t.clear_audit();
    t.clear_school_stints();
    for (const auto& p : present) {
      if (Updatable(p)) out.paths.push_back(p);
    }
    if (t.staff_number().empty()) out.problem = {"staff_number", "is required"};
    return out;
  }
  ForEachCsvField(row.text(), columns, &out.problem, [&](const std::string& col, const std::string& v) {
    if (Updatable(col)) out.paths.push_back(col);
    int e = 0;
    if (col == "staff_number") {
      t.set_staff_number(v);
    } else if (col == "school_code") {
      out.school_code = v;
    } else if (col == "display_name") {
      t.set_display_name(v);
    } else if (col == "position") {
      t.set_position(v);
    } else if (col == "subjects") {
      for (const auto& item : SplitList(v)) {
        if (!Enum(item, cv1::SubjectCode_descriptor(), col, &e, &out.problem)) return false;
        t.add_subjects()->set_code(static_cast<cv1::SubjectCode>(e));
      }
    } else if (col == "stages") {
      for (const auto& item : SplitList(v)) {
        if (!Enum(item, cv1::SchoolStage_descriptor(), col, &e, &out.problem)) return false;
        t.add_stages(static_cast<cv1::SchoolStage>(e));
      }
    } else if (col == "title") {
      if (!Enum(v, v1::TeacherTitle_descriptor(), col, &e, &out.problem)) return false;
      t.set_title(static_cast<v1::TeacherTitle>(e));
    } else if (col == "employment_status") {
      if (v.empty()) return true;  // reads ACTIVE
      if (!Enum(v, v1::EmploymentStatus_descriptor(), col, &e, &out.problem)) return false;
      t.set_employment_status(static_cast<v1::EmploymentStatus>(e));
    } else if (col == "party_membership.status") {
      if (v.empty()) return true;
      if (!Enum(v, v1::PartyMembershipStatus_descriptor(), col, &e, &out.problem)) return false;
      t.mutable_party_membership()->set_status(static_cast<v1::PartyMembershipStatus>(e));
    } else if (col == "party_membership.organization") {
      if (v.empty()) return true;
      t.mutable_party_membership()->set_organization(
          absl::StartsWith(v, "partyOrganizations/") ? v : PartyOrganizationName(v));
    } else if (col == "party_membership.join_date") {
      if (v.empty()) return true;
      auto d = ParseIsoDate(v);
      if (!d) {
        out.problem = {col, "'" + v + "' is not a date YYYY-MM-DD"};
        return false;
      }
      *t.mutable_party_membership()->mutable_join_date() = ToProtoDate(*d);
    }
    return true;
  });
  return out;
}

bool ApplyTeacherFields(const v1::Teacher& from, const std::vector<std::string>& paths, v1::Teacher* into) {
  const v1::Teacher before = *into;
  for (const auto& p : paths) {
    if (p == "display_name") into->set_display_name(from.display_name());
    else if (p == "subjects") *into->mutable_subjects() = from.subjects();
    else if (p == "title") into->set_title(from.title());
    else if (p == "honours") *into->mutable_honours() = from.honours();
    else if (p == "position") into->set_position(from.position());
    else if (p == "party_membership") *into->mutable_party_membership() = from.party_membership();
    else if (p == "employment_status") into->set_employment_status(from.employment_status());
    else if (p == "stages") *into->mutable_stages() = from.stages();
    else if (p == "party_membership.status") into->mutable_party_membership()->set_status(from.party_membership().status());
    else if (p == "party_membership.organization")
      into->mutable_party_membership()->set_organization(from.party_membership().organization());
    else if (p == "party_membership.join_date") {
      if (from.party_membership().has_join_date()) {
        *into->mutable_party_membership()->mutable_join_date() = from.party_membership().join_date();
      } else {
        into->mutable_party_membership()->clear_join_date();
      }
    }
  }
  NormalizeTeacher(*into);
  if (into->has_party_membership() && into->party_membership().ByteSizeLong() == 0) into->clear_party_membership();
  return !google::protobuf::util::MessageDifferencer::Equals(before, *into);
}

}  // namespace gongtong::registry
