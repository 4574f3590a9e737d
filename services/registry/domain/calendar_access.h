#pragma once
// Who may do what with school calendars and bell schedules (issue 3
// "Access"; calendar.proto). Pure.
//
//   calendar read        every authenticated role (calendar.proto: "read by
//                        every role"); a county bureau only calendars of its
//                        region prefix and of the regions above it (its
//                        prefecture's and province's calendars apply to its
//                        schools when it has none of its own)
//   calendar write       province admin, service; county bureau for calendars
//                        of region codes inside its prefix
//   bell schedule read   every authenticated role; a county bureau only for
//                        schools inside its prefix
//   bell schedule write  province admin, service; county bureau for schools
//                        inside its prefix; school admin for its own school;
//                        never a teacher or township head

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace gongtong::registry {

absl::Status CanReadCalendar(const auth::Principal& p, const std::string& region_code);
absl::Status CanWriteCalendar(const auth::Principal& p, const std::string& region_code);

// Refuses, without looking anything up, callers that can never write the bell
// schedules of `school_code` (teachers, township heads, another school's
// admin). The full check needs the school's region: CanWriteBellSchedule.
absl::Status MayWriteBellSchedulesAtAll(const auth::Principal& p, const std::string& school_code);
absl::Status CanWriteBellSchedule(const auth::Principal& p, const std::string& school_code,
                                  const std::string& school_region);
absl::Status CanReadBellSchedule(const auth::Principal& p, const std::string& school_region);

// The region codes above a county bureau's prefix whose calendars it may
// read (e.g. prefix "331024" → {"331000", "330000"}); empty for other roles.
std::vector<std::string> CalendarAncestorRegions(const auth::Principal& p);

}  // namespace gongtong::registry
