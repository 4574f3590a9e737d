#include "registry/domain/calendar_access.h"
#include "registry/domain/access_support.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::registry {
using auth::Role;

std::vector<std::string> CalendarAncestorRegions(const auth::Principal& p) {
  std::vector<std::string> out;
  if (p.role != Role::kCountyBureau || p.region_prefix.size() < 2) return out;
  const std::string& r = p.region_prefix;
  // Province, then prefecture when the prefix is below prefecture level.
  out.push_back(r.substr(0, 2) + "0000");
  if (r.size() >= 4) out.push_back(r.substr(0, 4) + "00");
  out.erase(std::remove(out.begin(), out.end(), r), out.end());  // its own code is inside, not above
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::Status CanReadCalendar(const auth::Principal& p, const std::string& region_code) {
  if (p.role != Role::kCountyBureau || p.CoversRegion(region_code)) return absl::OkStatus();
  const auto above = CalendarAncestorRegions(p);
  if (std::find(above.begin(), above.end(), region_code) != above.end()) return absl::OkStatus();
  return AccessDenied(p, "read calendars of region " + region_code + " (outside " + p.region_prefix + ")");
}

absl::Status CanWriteCalendar(const auth::Principal& p, const std::string& region_code) {
  if (UnlimitedRole(p) || (p.role == Role::kCountyBureau && p.CoversRegion(region_code))) return absl::OkStatus();
  return AccessDenied(p, "write the calendar of region " + region_code);
}

absl::Status MayWriteBellSchedulesAtAll(const auth::Principal& p, const std::string& school_code) {
  if (UnlimitedRole(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  if (p.role == Role::kSchoolAdmin && p.school_code == school_code) return absl::OkStatus();
  return AccessDenied(p, "write the bell schedules of school " + school_code);
}

absl::Status CanWriteBellSchedule(const auth::Principal& p, const std::string& school_code,
                                  const std::string& school_region) {
  GT_RETURN_IF_ERROR(MayWriteBellSchedulesAtAll(p, school_code));
  if (p.role == Role::kCountyBureau && !p.CoversRegion(school_region)) {
    return AccessDenied(p, "write the bell schedules of school " + school_code + " outside region " + p.region_prefix);
  }
  return absl::OkStatus();
}

absl::Status CanReadBellSchedule(const auth::Principal& p, const std::string& school_region) {
  if (p.role == Role::kCountyBureau && !p.CoversRegion(school_region)) {
    return AccessDenied(p, "read bell schedules of schools outside region " + p.region_prefix);
  }
  return absl::OkStatus();
}

}  // namespace gongtong::registry
