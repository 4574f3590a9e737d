#include "assessment/domain/evaluation_access.h"

#include <string>

#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using auth::Role;

bool Wide(const auth::Principal& p) {
  return p.role == Role::kProvinceAdmin || p.role == Role::kService;
}

bool CountyCovers(const auth::Principal& p, std::string_view region) {
  return p.role == Role::kCountyBureau && !region.empty() && p.CoversRegion(region);
}

}  // namespace

absl::Status AccessDenied(const std::string& what, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
      .Message("not allowed to " + what)
      .Zh("无权" + zh);
}

absl::Status MayWriteScheme(const auth::Principal& p, std::string_view scheme_region) {
  if (Wide(p) || CountyCovers(p, scheme_region)) return absl::OkStatus();
  return AccessDenied("write evaluation schemes of this region", "修改该地区的考核评价方案");
}

absl::Status MayFileForSchool(const auth::Principal& p, std::string_view school_code,
                              std::string_view core_school_code) {
  if (p.role == Role::kSchoolAdmin &&
      (p.school_code == school_code || (!core_school_code.empty() && p.school_code == core_school_code))) {
    return absl::OkStatus();
  }
  return AccessDenied("file for another school", "代其他学校填报");
}

absl::Status MayReadSchoolInputs(const auth::Principal& p, std::string_view school_code,
                                 std::string_view school_region) {
  if (Wide(p) || CountyCovers(p, school_region)) return absl::OkStatus();
  if ((p.role == Role::kSchoolAdmin || p.role == Role::kTeacher) && p.school_code == school_code) {
    return absl::OkStatus();
  }
  return AccessDenied("read another school's evaluation inputs", "查看其他学校的考核材料");
}

absl::Status MayWriteReview(const auth::Principal& p, std::string_view school_region) {
  if (p.role == Role::kProvinceAdmin || CountyCovers(p, school_region)) return absl::OkStatus();
  return AccessDenied("enter review scores for this school", "录入该校的评审得分");
}

absl::Status MayRunEvaluation(const auth::Principal& p, std::string_view region) {
  if (Wide(p) || CountyCovers(p, region)) return absl::OkStatus();
  return AccessDenied("run the evaluation of this region", "对该地区开展考核评价");
}

absl::Status MayReadSchoolResult(const auth::Principal& p, std::string_view run_region,
                                 std::string_view school_code, bool run_finalised) {
  if (Wide(p) || CountyCovers(p, run_region)) return absl::OkStatus();
  if ((p.role == Role::kSchoolAdmin || p.role == Role::kTeacher) && p.school_code == school_code &&
      run_finalised) {
    return absl::OkStatus();
  }
  return AccessDenied("read this result", "查看该考核结果");
}

absl::Status MayReadRun(const auth::Principal& p, std::string_view run_region) {
  if (Wide(p) || CountyCovers(p, run_region)) return absl::OkStatus();
  return AccessDenied("read the results of this region", "查看该地区的考核结果");
}

absl::Status MayListInputs(const auth::Principal& p) {
  if (Wide(p) || (p.role == Role::kCountyBureau && !p.region_prefix.empty())) return absl::OkStatus();
  if ((p.role == Role::kSchoolAdmin || p.role == Role::kTeacher) && !p.school_code.empty()) return absl::OkStatus();
  return AccessDenied("read evaluation inputs", "查看考核材料");
}

absl::Status MayReadReviewScore(const auth::Principal& p, std::string_view school_code,
                                std::string_view school_region, bool used_by_finalised_run) {
  if (Wide(p) || CountyCovers(p, school_region)) return absl::OkStatus();
  if ((p.role == Role::kSchoolAdmin || p.role == Role::kTeacher) && p.school_code == school_code &&
      used_by_finalised_run) {
    return absl::OkStatus();
  }
  return AccessDenied("read this review score", "查看该评审得分");
}

absl::StatusOr<std::string> RunListPrefix(const auth::Principal& p) {
  if (Wide(p)) return std::string();
  if (p.role == Role::kCountyBureau && !p.region_prefix.empty()) return p.region_prefix;
  return AccessDenied("list evaluation runs", "查看考核评价列表");
}

}  // namespace gongtong::assessment
