#pragma once
// Rules for school master data (DOMAIN §2; issue 3). Pure functions, no I/O.
//
// 学校标识码 (school code): 10 digits = 2-digit category + 2-digit province
// (GB/T 2260) + 6-digit sequence. Categories: 11 kindergarten, 21 primary,
// 31 junior middle (incl. nine-year schools), 34 senior middle (complete,
// senior, twelve-year). The category must agree with the school-type code
// (办学类型: its first two digits), and the province part with the first two
// digits of the region code (行政区划代码, 6 digits).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/registry/v1/school.pb.h"

namespace gongtong::registry {

using gongtong::common::v1::SchoolStage;
using gongtong::registry::v1::School;

// One BadRequest field violation, collected before failing.
struct Violation {
  std::string field;
  std::string description;
  std::string zh;
};

// "" when `code` is a well-formed school code, else why not (in English;
// SchoolCodeProblemZh says the same in Chinese).
std::string SchoolCodeProblem(std::string_view code);
std::string SchoolCodeProblemZh(std::string_view code);
// "" when `region` is a 6-digit code in a GB/T 2260 province.
std::string RegionCodeProblem(std::string_view region);
// True for a province code of GB/T 2260 ("11" … "82").
bool IsProvinceCode(std::string_view two_digits);
// True for the urban–rural codes 111, 112, 121, 122, 123, 210, 220.
bool IsUrbanRuralCode(int code);
// Stages a school type covers (办学类型 → 学段); empty when unknown.
std::vector<SchoolStage> StagesOfType(std::string_view school_type_code);

// Every violation of the school's own fields (code, region, township,
// urban-rural category, type, display name, agreement of code with type and
// region). `prefix` is the request path of the school, e.g. "school".
std::vector<Violation> SchoolViolations(const School& school, const std::string& prefix);

// INVALID_ARGUMENT listing all violations (reason SCHOOL_INVALID), or OK.
absl::Status ToStatus(const std::vector<Violation>& violations, const std::string& reason);

// FAILED_PRECONDITION with reason `reason` and one field violation.
absl::Status PreconditionOn(const char* reason, const std::string& field, const std::string& description,
                            const std::string& zh);

// "schools/{code}" ↔ code.
std::string SchoolName(std::string_view code);
// The code of "schools/{code}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseSchoolName(std::string_view name, const std::string& field);

}  // namespace gongtong::registry
