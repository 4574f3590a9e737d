#include "registry/domain/studio_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::STUDIO_ROLE_HOST;
using gongtong::registry::v1::STUDIO_ROLE_MEMBER_SECRETARY;
using gongtong::registry::v1::STUDIO_ROLE_UNSPECIFIED;

constexpr std::string_view kStudios = "secretaryStudios/";
constexpr int kMaxMembers = 60;
constexpr int kMaxCycleYears = 3;

// Who a member is, for "a person at most once".
std::string PersonKey(const gongtong::common::v1::Person& p) {
  return p.teacher().empty() ? "name:" + p.display_name() : "teacher:" + p.teacher();
}

void MembersViolations(const SecretaryStudio& s, const std::string& prefix, std::vector<Violation>* v) {
  const std::string members = prefix + ".members";
  if (s.members_size() > kMaxMembers) v->push_back({members, "at most 60 members", "工作室成员不超过60人"});
  int hosts = 0;
  int secretaries = 0;
  std::set<std::string> seen;
  for (int i = 0; i < s.members_size(); ++i) {
    const auto& m = s.members(i);
    const std::string path = absl::StrCat(members, "[", i, "]");
    if (m.role() == STUDIO_ROLE_UNSPECIFIED || !v1::StudioRole_IsValid(m.role())) {
      v->push_back({path + ".role", "is required", "须选择成员角色（主持人、导师、入室书记、助理）"});
    }
    hosts += m.role() == STUDIO_ROLE_HOST;
    secretaries += m.role() == STUDIO_ROLE_MEMBER_SECRETARY;
    PersonViolations(m.person(), path + ".person", v);
    if (!seen.insert(PersonKey(m.person())).second) {
      v->push_back({path + ".person", "is listed twice", "同一人员只能出现一次"});
    }
  }
  if (hosts != 1) v->push_back({members, "exactly one HOST is required", "工作室须有且仅有一名主持人"});
  if (secretaries < 1) {
    v->push_back({members, "at least one MEMBER_SECRETARY is required", "工作室须至少有一名入室书记"});
  }
}

void CycleViolations(const SecretaryStudio& s, const std::string& prefix, std::vector<Violation>* v) {
  const std::string path = prefix + ".cycle";
  const auto& c = s.cycle();
  if (!s.has_cycle() || !c.has_start_date() || !c.has_end_date()) {
    v->push_back({path, "start_date and end_date are required", "须填写工作室周期的起止日期"});
    return;
  }
  if (!IsValidDate(c.start_date()) || !IsValidDate(c.end_date())) {
    v->push_back({path, "must hold calendar dates", "周期日期无效"});
    return;
  }
  if (CompareDates(c.end_date(), c.start_date()) < 0) {
    v->push_back({path + ".end_date", "must not be before start_date", "结束日期不能早于开始日期"});
    return;
  }
  google::type::Date limit = c.start_date();
  limit.set_year(limit.year() + kMaxCycleYears);
  if (CompareDates(c.end_date(), limit) > 0) {
    v->push_back({path + ".end_date", "the cycle is at most 3 years", "工作室周期不超过3年"});
  }
}

}  // namespace

std::string SecretaryStudioName(std::string_view studio_id) { return std::string(kStudios) + std::string(studio_id); }

absl::StatusOr<std::string> ParseSecretaryStudioName(std::string_view name, const std::string& field) {
  if (name.substr(0, kStudios.size()) != kStudios || !IsResourceId(name.substr(kStudios.size()))) {
    return InvalidField(field, "must be secretaryStudios/{studio_id}", "书记工作室资源名称格式应为 secretaryStudios/{id}");
  }
  return std::string(name.substr(kStudios.size()));
}

std::vector<Violation> SecretaryStudioViolations(const SecretaryStudio& s, const std::string& prefix) {
  std::vector<Violation> v;
  if (s.display_name().find_first_not_of(" \t") == std::string::npos || Utf8Length(s.display_name()) > 100) {
    v.push_back({prefix + ".display_name", "must be 1 to 100 characters", "工作室名称不能为空且不超过100个字符"});
  }
  if (s.region_code().size() != 6 || !RegionCodeProblem(s.region_code()).empty()) {
    v.push_back({prefix + ".region_code", "must be a 6-digit county code", "须填写6位县级行政区划代码"});
  }
  if (s.stage() == gongtong::common::v1::SCHOOL_STAGE_UNSPECIFIED ||
      !gongtong::common::v1::SchoolStage_IsValid(s.stage())) {
    v.push_back({prefix + ".stage", "is required", "须选择学段"});
  }
  if (!s.host_school().empty() && !ParseSchoolName(s.host_school(), "").ok()) {
    v.push_back({prefix + ".host_school", "must be schools/{10-digit school code}", "学校资源名称格式应为 schools/{10位学校标识码}"});
  }
  MembersViolations(s, prefix, &v);
  CycleViolations(s, prefix, &v);
  return v;
}

std::string StudioHostSchoolCode(const SecretaryStudio& s) {
  auto code = ParseSchoolName(s.host_school(), "");
  return code.ok() ? *code : "";
}

absl::Status StudioHostSchoolLive(const SecretaryStudio& s, const SchoolFacts& schools, const std::string& prefix) {
  const std::string code = StudioHostSchoolCode(s);
  if (code.empty()) return absl::OkStatus();
  const std::string path = prefix + ".host_school";
  auto it = schools.find(code);
  if (it == schools.end()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
        .Message("no school " + s.host_school())
        .Zh("学校不存在：" + code)
        .Field(path, "does not exist");
  }
  if (it->second.deleted) return PreconditionOn("SCHOOL_DELETED", path, "the school is deleted", "该学校已删除：" + code);
  return absl::OkStatus();
}

}  // namespace gongtong::registry
