#pragma once
// Who may do what with sessions, series, policies and capacities (issue 4
// "Access"; the Callers of booking_requests.proto and session_requests.proto).
// Pure; each check returns OK or PERMISSION_DENIED (reason
// "PERMISSION_DENIED", metadata "role") with a zh-CN message saying what the
// caller may not do.
//
//   book / update / cancel / override the bell schedule as host
//                       school admin of the host school, county bureau whose
//                       prefix covers the host's region, province admin
//   answer as receiver  school admin of that receiving school only (not the
//                       host, not the county, not the province)
//   record delivery     as booking, plus the host teacher herself (acting
//                       for the host school)
//   read a session      province admin, service; county bureau covering the
//                       host's or a receiver's region; school admin or teacher
//                       of the host school or a receiving school
//   update a policy     province admin; county bureau covering the
//                       community's region
//   update a capacity   province admin; county bureau covering the region
// ROLE_SERVICE reads but does not book (the methods do not list it as a
// caller); a township head does none of this.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace gongtong::booking {

absl::Status CanBookAsHost(const auth::Principal& p, const std::string& host_school_code, const std::string& host_region);
absl::Status CanOverrideBellSchedule(const auth::Principal& p, const std::string& host_school_code,
                                     const std::string& host_region);
// School admin of `receiving_school_code` only.
absl::Status CanAnswerAsReceiver(const auth::Principal& p, const std::string& receiving_school_code);
absl::Status CanCancel(const auth::Principal& p, const std::string& host_school_code, const std::string& host_region);
// `host_teacher_name` is "teachers/{id}"; a teacher passes when her
// teacher_id is that id and her token's school is the host school.
absl::Status CanRecordDelivery(const auth::Principal& p, const std::string& host_school_code,
                               const std::string& host_region, const std::string& host_teacher_name);

// The parties of a session, for reading: school codes (10 digits) and
// region codes.
struct SessionParties {
  std::string host_school, host_region, host_teacher;
  std::vector<std::string> receiver_schools, receiver_regions;
};
absl::Status CanReadSession(const auth::Principal& p, const SessionParties& parties);

absl::Status CanUpdatePolicy(const auth::Principal& p, const std::string& community_region);
absl::Status CanUpdateCapacity(const auth::Principal& p, const std::string& region_code);

}  // namespace gongtong::booking
