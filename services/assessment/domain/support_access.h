#pragma once
// Who may do what with support teaching (issue 5, Access): teachers record
// their own activities; receiving schools confirm; township heads sign;
// county bureaus act for their region; schools see their own. Sign-off steps
// are checked by support_signoff.h. Pure functions, no I/O.
//
// The region of an assignment or quota is the county of the sending school,
// taken from the principal of the county bureau that entered it (the registry
// is another service; this layer makes no network call). "" when the
// province entered it: then only the province covers it.

#include <string>
#include <vector>

#include "common/auth/principal.h"

namespace gongtong::assessment {

// The parts of an assignment access depends on.
struct AssignmentScope {
  std::string teacher_id;                      // of "teachers/{id}"
  std::string sending_school;                  // 10-digit code
  std::vector<std::string> receiving_schools;  // 10-digit codes
  std::string region;                          // county region code ("" = province only)
};

// Read: the teacher herself, her school, the receiving schools, the county
// of the region, the province (and other services). A township head reads the
// assignments whose county contains her township (her signing queue).
bool CanReadAssignment(const auth::Principal& p, const AssignmentScope& a);

// Create, change, withdraw an assignment; enter a quota; certify: the county
// bureau of the region, the province.
bool CanManageForRegion(const auth::Principal& p, const std::string& region);

// Record, change or delete an activity: the assigned teacher herself, the
// sending and receiving schools' admins, the county, the province.
bool CanRecordActivity(const auth::Principal& p, const AssignmentScope& a);

// The region a new assignment or quota is entered for: the county bureau's
// own region prefix; "" for the province. PERMISSION_DENIED-worthy callers
// get nullopt-like "" too, so check CanManageForRegion first.
std::string RegionOfCaller(const auth::Principal& p);

}  // namespace gongtong::assessment
