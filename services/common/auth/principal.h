#pragma once
// Who is calling. Built only by JwtVerifier from a verified token; business
// code asks it questions (CanActForSchool, CoversRegion) instead of parsing
// claims itself.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gongtong::auth {

enum class Role {
  kProvinceAdmin,  // everything in the province
  kCountyBureau,   // schools whose region code starts with region_prefix
  kSchoolAdmin,    // one school (school_code)
  kTeacher,        // herself, at one school (school_code, teacher_id)
  kService,        // another Gongtong service or the provincial platform
  kTownshipHead,   // 乡镇负责人: signs support-teaching summaries in one township
};

// "province_admin", "county_bureau", "school_admin", "teacher", "service".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// The scope claims each role needs, checked wherever tokens are made or
// verified: county_bureau a region prefix of 2–6 digits; township_head the
// 9-digit township code; school_admin and teacher a 10-digit school code.
// Returns "" when `region`/`school` suit `role`, else what is wrong.
std::string ScopeProblem(Role role, std::string_view region, std::string_view school);

struct Principal {
  std::string subject;        // JWT "sub"
  Role role = Role::kTeacher;
  std::string region_prefix;  // county_bureau: 2–6 digits of GB/T 2260;
                              // township_head: 9-digit township code (county + 3)
  std::string school_code;    // school_admin, teacher: 10-digit 学校标识码
  std::string teacher_id;     // teacher: registry teacher id, when known
  std::chrono::system_clock::time_point expires_at;  // token exp

  // True when the principal may act for school `code` located in `region`.
  bool CanActForSchool(std::string_view code, std::string_view region) const;
  // True when the principal's scope includes all of region `region`.
  bool CoversRegion(std::string_view region) const;
};

}  // namespace gongtong::auth
