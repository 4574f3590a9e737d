#include "assessment/domain/support_assignment_rules.h"

#include <set>

#include "absl/strings/match.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::assessment {

namespace {

bool AllOf(std::string_view s, bool (*ok)(char)) {
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> ParseSchool(std::string_view name, const std::string& field) {
  constexpr std::string_view kPrefix = "schools/";
  std::string_view code = absl::StartsWith(Absl(name), Absl(kPrefix)) ? name.substr(kPrefix.size()) : "";
  if (code.size() != 10 || !AllOf(code, [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidField(field, "must be \"schools/{10-digit school code}\"", "须为 \"schools/{10位学校标识码}\"",
                        "SCHOOL_NAME_INVALID");
  }
  return std::string(code);
}

absl::StatusOr<std::string> ParseTeacher(std::string_view name, const std::string& field) {
  constexpr std::string_view kPrefix = "teachers/";
  std::string_view id = absl::StartsWith(Absl(name), Absl(kPrefix)) ? name.substr(kPrefix.size()) : "";
  bool ok = !id.empty() && id.size() <= 64 && AllOf(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!ok) {
    return InvalidField(field, "must be \"teachers/{id}\"", "须为 \"teachers/{教师ID}\"", "TEACHER_NAME_INVALID");
  }
  return std::string(id);
}

bool IsResourceId(std::string_view id) {
  if (id.empty() || id.size() > 40 || id[0] == '-') return false;
  return AllOf(id, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

absl::StatusOr<std::string> ParseId(std::string_view name, std::string_view prefix, const std::string& field) {
  if (!absl::StartsWith(Absl(name), Absl(prefix)) || !IsResourceId(name.substr(prefix.size()))) {
    return InvalidField(field, "must be \"" + std::string(prefix) + "{id}\"",
                        "资源名须为 \"" + std::string(prefix) + "{id}\"", "NAME_INVALID");
  }
  return std::string(name.substr(prefix.size()));
}

absl::Status CheckNewAssignment(const av1::SupportAssignment& a, AssignmentScope* scope, AssignmentSpan* span) {
  const std::string p = "support_assignment";
  GT_ASSIGN_OR_RETURN(scope->teacher_id, ParseTeacher(a.teacher(), p + ".teacher"));
  GT_ASSIGN_OR_RETURN(scope->sending_school, ParseSchool(a.sending_school(), p + ".sending_school"));
  if (a.receiving_schools_size() < 1 || a.receiving_schools_size() > 3) {
    return InvalidField(p + ".receiving_schools", "1..3 receiving schools", "受援学校须为1到3所");
  }
  std::set<std::string> seen;
  scope->receiving_schools.clear();
  for (int i = 0; i < a.receiving_schools_size(); ++i) {
    const std::string f = p + ".receiving_schools[" + std::to_string(i) + "]";
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchool(a.receiving_schools(i), f));
    if (code == scope->sending_school) {
      return InvalidField(f, "a receiving school must differ from the sending school", "受援学校不能是派出学校");
    }
    if (!seen.insert(code).second) return InvalidField(f, "listed twice", "受援学校重复");
    scope->receiving_schools.push_back(code);
  }
  if (a.school_year() < 2000 || a.school_year() > 2100) {
    return InvalidField(p + ".school_year", "must be a school year like 2024", "学年须为如 2024 的年份");
  }
  if (a.kind() != av1::ASSIGNMENT_KIND_SUPPORT_TEACHING && a.kind() != av1::ASSIGNMENT_KIND_FULL_POST) {
    return InvalidField(p + ".kind", "required", "须填写支教类型");
  }
  *span = SpanOf(a);
  return CheckAssignmentPeriod(*span, p);
}

AssignmentScope ScopeOf(const av1::SupportAssignment& a, const std::string& region) {
  AssignmentScope s;
  s.teacher_id = ParseTeacher(a.teacher(), "").value_or("");
  s.sending_school = ParseSchool(a.sending_school(), "").value_or("");
  for (const auto& r : a.receiving_schools()) s.receiving_schools.push_back(ParseSchool(r, "").value_or(""));
  s.region = region;
  return s;
}

AssignmentSpan SpanOf(const av1::SupportAssignment& a) {
  AssignmentSpan s;
  s.school_year = a.school_year();
  if (a.period().has_start_date()) s.period_start = FromProto(a.period().start_date());
  if (a.period().has_end_date()) s.period_end = FromProto(a.period().end_date());
  return s;
}

}  // namespace gongtong::assessment
