#include "registry/domain/school_rules.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::registry {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

const std::map<std::string, std::vector<SchoolStage>, std::less<>>& TypeStages() {
  using gongtong::common::v1::SCHOOL_STAGE_JUNIOR_MIDDLE;
  using gongtong::common::v1::SCHOOL_STAGE_KINDERGARTEN;
  using gongtong::common::v1::SCHOOL_STAGE_PRIMARY;
  using gongtong::common::v1::SCHOOL_STAGE_SENIOR_MIDDLE;
  static const auto* kTypes = new std::map<std::string, std::vector<SchoolStage>, std::less<>>{
      {"111", {SCHOOL_STAGE_KINDERGARTEN}},                        // 幼儿园
      {"112", {SCHOOL_STAGE_KINDERGARTEN}},                        // 附设幼儿班
      {"211", {SCHOOL_STAGE_PRIMARY}},                             // 小学
      {"218", {SCHOOL_STAGE_PRIMARY}},                             // 小学教学点
      {"219", {SCHOOL_STAGE_PRIMARY}},                             // 附设小学班
      {"311", {SCHOOL_STAGE_JUNIOR_MIDDLE}},                       // 初级中学
      {"312", {SCHOOL_STAGE_PRIMARY, SCHOOL_STAGE_JUNIOR_MIDDLE}},  // 九年一贯制学校
      {"319", {SCHOOL_STAGE_JUNIOR_MIDDLE}},                       // 附设初中班
      {"341", {SCHOOL_STAGE_JUNIOR_MIDDLE, SCHOOL_STAGE_SENIOR_MIDDLE}},  // 完全中学
      {"342", {SCHOOL_STAGE_SENIOR_MIDDLE}},                              // 高级中学
      {"345", {SCHOOL_STAGE_PRIMARY, SCHOOL_STAGE_JUNIOR_MIDDLE, SCHOOL_STAGE_SENIOR_MIDDLE}},  // 十二年一贯制
      {"349", {SCHOOL_STAGE_SENIOR_MIDDLE}},  // 附设普通高中班
  };
  return *kTypes;
}

bool IsKnownCategory(std::string_view category) {
  return category == "11" || category == "21" || category == "31" || category == "34";
}

}  // namespace

bool IsProvinceCode(std::string_view p) {
  static const char* kProvinces[] = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33",
                                     "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
                                     "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};
  for (const char* k : kProvinces) {
    if (p == k) return true;
  }
  return false;
}

bool IsUrbanRuralCode(int code) {
  switch (code) {
    case 111: case 112: case 121: case 122: case 123: case 210: case 220:
      return true;
    default:
      return false;
  }
}

std::string SchoolCodeProblem(std::string_view code) {
  if (code.size() != 10 || !AllDigits(code)) return "must be 10 digits";
  if (!IsKnownCategory(code.substr(0, 2))) {
    return absl::StrCat("category ", Absl(code.substr(0, 2)),
                        " is unknown (11 kindergarten, 21 primary, 31 junior middle, 34 senior middle)");
  }
  if (!IsProvinceCode(code.substr(2, 2))) {
    return absl::StrCat("province part ", Absl(code.substr(2, 2)), " is not a GB/T 2260 province");
  }
  return "";
}

std::string SchoolCodeProblemZh(std::string_view code) {
  if (code.size() != 10 || !AllDigits(code)) return "学校标识码须为10位数字";
  if (!IsKnownCategory(code.substr(0, 2))) {
    return absl::StrCat("学校标识码的类别 ", Absl(code.substr(0, 2)),
                        " 无效（11 幼儿园、21 小学、31 初中、34 高中）");
  }
  if (!IsProvinceCode(code.substr(2, 2))) {
    return absl::StrCat("学校标识码的省份代码 ", Absl(code.substr(2, 2)), " 不是有效的省级行政区划代码");
  }
  return "";
}

std::string RegionCodeProblem(std::string_view region) {
  if (region.size() != 6 || !AllDigits(region)) return "must be 6 digits (GB/T 2260)";
  if (!IsProvinceCode(region.substr(0, 2))) return "does not start with a GB/T 2260 province code";
  return "";
}

std::vector<SchoolStage> StagesOfType(std::string_view type) {
  auto it = TypeStages().find(type);
  return it == TypeStages().end() ? std::vector<SchoolStage>{} : it->second;
}

std::vector<Violation> SchoolViolations(const School& s, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const char* field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  const std::string code_problem = SchoolCodeProblem(s.school_code());
  if (!code_problem.empty()) add("school_code", code_problem, SchoolCodeProblemZh(s.school_code()));
  const std::string region_problem = RegionCodeProblem(s.region_code());
  if (!region_problem.empty()) add("region_code", region_problem, "行政区划代码无效");
  if (!s.township_code().empty() &&
      (s.township_code().size() != 9 || !AllDigits(s.township_code()) ||
       !absl::StartsWith(s.township_code(), s.region_code()))) {
    add("township_code", "must be 9 digits starting with the region code", "乡镇代码须为以行政区划代码开头的9位数字");
  }
  if (!IsUrbanRuralCode(static_cast<int>(s.urban_rural_category()))) {
    add("urban_rural_category", "must be one of 111, 112, 121, 122, 123, 210, 220", "城乡分类代码无效");
  }
  const bool type_known = !StagesOfType(s.school_type_code()).empty();
  if (!type_known) add("school_type_code", "is not a known school type (办学类型)", "办学类型代码无效");
  if (s.display_name().empty() || s.display_name().size() > 200) {
    add("display_name", "must be 1 to 200 bytes", "学校名称不能为空且不超过200字节");
  }
  if (code_problem.empty() && type_known && s.school_code().substr(0, 2) != s.school_type_code().substr(0, 2)) {
    add("school_code", absl::StrCat("category ", s.school_code().substr(0, 2), " contradicts school type ",
                                    s.school_type_code()),
        "学校标识码的类别与办学类型不一致");
  }
  if (code_problem.empty() && region_problem.empty() &&
      s.school_code().substr(2, 2) != s.region_code().substr(0, 2)) {
    add("school_code", absl::StrCat("province part ", s.school_code().substr(2, 2),
                                    " contradicts region code ", s.region_code()),
        "学校标识码的省份与行政区划代码不一致");
  }
  return v;
}

absl::Status ToStatus(const std::vector<Violation>& violations, const std::string& reason) {
  if (violations.empty()) return absl::OkStatus();
  ErrorBuilder error(absl::StatusCode::kInvalidArgument, reason);
  std::string message, zh;
  for (const auto& v : violations) {
    error.Field(v.field, v.description);
    absl::StrAppend(&message, message.empty() ? "" : "; ", v.field, ": ", v.description);
    absl::StrAppend(&zh, zh.empty() ? "" : "；", v.zh);
  }
  return error.Message(message).Zh(zh);
}

absl::Status PreconditionOn(const char* reason, const std::string& field, const std::string& description,
                            const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, reason)
      .Message(field + ": " + description)
      .Zh(zh)
      .Field(field, description);
}

std::string SchoolName(std::string_view code) { return absl::StrCat("schools/", Absl(code)); }

absl::StatusOr<std::string> ParseSchoolName(std::string_view name, const std::string& field) {
  constexpr std::string_view kPrefix = "schools/";
  if (name.substr(0, kPrefix.size()) == kPrefix) {
    std::string code(name.substr(kPrefix.size()));
    if (SchoolCodeProblem(code).empty()) return code;
  }
  return InvalidField(field, "must be schools/{10-digit school code}", "学校资源名称格式应为 schools/{10位学校标识码}");
}

}  // namespace gongtong::registry
