#include "booking/domain/booking_access.h"

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

using auth::Role;

absl::Status Denied(const auth::Principal& p, const std::string& what, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
      .Message(absl::StrCat("role ", std::string(auth::RoleName(p.role)), " may not ", what))
      .Zh(zh)
      .Meta("role", std::string(auth::RoleName(p.role)));
}

// The host side's managers: province admin, the county bureau covering the
// host's region, the host school's admin. (Not ROLE_SERVICE: no booking
// method lists it as a caller.)
bool ManagesHost(const auth::Principal& p, const std::string& school, const std::string& region) {
  switch (p.role) {
    case Role::kProvinceAdmin: return true;
    case Role::kCountyBureau: return p.CoversRegion(region);
    case Role::kSchoolAdmin: return !p.school_code.empty() && p.school_code == school;
    default: return false;
  }
}

bool ManagesRegion(const auth::Principal& p, const std::string& region) {
  return p.role == Role::kProvinceAdmin || (p.role == Role::kCountyBureau && p.CoversRegion(region));
}

}  // namespace

absl::Status CanBookAsHost(const auth::Principal& p, const std::string& host_school_code, const std::string& host_region) {
  if (ManagesHost(p, host_school_code, host_region)) return absl::OkStatus();
  return Denied(p, "book or change sessions hosted by school " + host_school_code,
                "只有主讲学校的管理员、所在区县教育局或省级管理员才能预约或修改该校主讲的同步课堂");
}

absl::Status CanOverrideBellSchedule(const auth::Principal& p, const std::string& host_school_code,
                                     const std::string& host_region) {
  if (ManagesHost(p, host_school_code, host_region)) return absl::OkStatus();
  return Denied(p, "override the bell schedules for school " + host_school_code,
                "只有主讲学校的管理员、所在区县教育局或省级管理员才能突破作息时间安排课程");
}

absl::Status CanAnswerAsReceiver(const auth::Principal& p, const std::string& receiving_school_code) {
  if (p.role == Role::kSchoolAdmin && !p.school_code.empty() && p.school_code == receiving_school_code) {
    return absl::OkStatus();
  }
  return Denied(p, "confirm or decline for receiving school " + receiving_school_code,
                "只有接收学校本校的管理员才能确认或拒绝该校的同步课堂");
}

absl::Status CanCancel(const auth::Principal& p, const std::string& host_school_code, const std::string& host_region) {
  if (ManagesHost(p, host_school_code, host_region)) return absl::OkStatus();
  return Denied(p, "cancel sessions hosted by school " + host_school_code,
                "只能取消本校主讲的同步课堂；接收学校请使用“拒绝”");
}

absl::Status CanRecordDelivery(const auth::Principal& p, const std::string& host_school_code,
                               const std::string& host_region, const std::string& host_teacher_name) {
  if (ManagesHost(p, host_school_code, host_region)) return absl::OkStatus();
  if (p.role == Role::kTeacher && !p.teacher_id.empty() && p.school_code == host_school_code &&
      host_teacher_name == "teachers/" + p.teacher_id) {
    return absl::OkStatus();
  }
  return Denied(p, "record the delivery of a session hosted by school " + host_school_code,
                "只有主讲教师、主讲学校的管理员、所在区县教育局或省级管理员才能登记上课情况");
}

absl::Status CanReadSession(const auth::Principal& p, const SessionParties& parties) {
  switch (p.role) {
    case Role::kProvinceAdmin:
    case Role::kService:
      return absl::OkStatus();
    case Role::kCountyBureau:
      if (p.CoversRegion(parties.host_region)) return absl::OkStatus();
      for (const std::string& region : parties.receiver_regions) {
        if (p.CoversRegion(region)) return absl::OkStatus();
      }
      break;
    case Role::kSchoolAdmin:
    case Role::kTeacher:
      if (p.school_code.empty()) break;
      if (p.school_code == parties.host_school) return absl::OkStatus();
      for (const std::string& school : parties.receiver_schools) {
        if (p.school_code == school) return absl::OkStatus();
      }
      break;
    default:
      break;
  }
  return Denied(p, "read a session hosted by school " + parties.host_school,
                "您无权查看该同步课堂：它不属于您的学校或管辖区域");
}

absl::Status CanUpdatePolicy(const auth::Principal& p, const std::string& community_region) {
  if (ManagesRegion(p, community_region)) return absl::OkStatus();
  return Denied(p, "update the booking policy of a community in region " + community_region,
                "只有共同体所在区县教育局或省级管理员才能修改预约规则");
}

absl::Status CanUpdateCapacity(const auth::Principal& p, const std::string& region_code) {
  if (ManagesRegion(p, region_code)) return absl::OkStatus();
  return Denied(p, "update the live-session capacity of region " + region_code,
                "只有本区域的教育局或省级管理员才能修改直播并发上限");
}

}  // namespace gongtong::booking
