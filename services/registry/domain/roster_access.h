#pragma once
// Who may do what with classes, classrooms and teachers (issue 3 "Access";
// school.proto, teacher.proto). Pure.
//
//   read    every authenticated role; a county bureau only for schools
//           inside its region prefix (for a teacher: her current school). A
//           teacher sees the Party fields only of teachers of her own school
//           (RedactTeacher).
//   write   province admin, service; county bureau for schools inside its
//           prefix; school admin for its own school; a teacher or township
//           head never (PERMISSION_DENIED before any validation)
//   move    province admin, service; county bureau when both schools lie in
//           its prefix; nobody else

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "gongtong/registry/v1/teacher.pb.h"

namespace gongtong::registry {

// The role gate of every roster write of `school_code`, checked first ("" =
// the school is not known yet: only the role is checked).
absl::Status MayWriteRoster(const auth::Principal& p, const std::string& school_code);
// The full write check, given the school's region.
absl::Status CanWriteRoster(const auth::Principal& p, const std::string& school_code, const std::string& school_region);
absl::Status CanReadRoster(const auth::Principal& p, const std::string& school_region);
// The region prefix a listing is limited to ("" = none).
std::string RosterReadScope(const auth::Principal& p);

absl::Status MayMoveTeachers(const auth::Principal& p);
absl::Status CanMoveTeacher(const auth::Principal& p, const std::string& from_region, const std::string& to_region);

// What `p` may see of `t`: a teacher reading a teacher of another school
// gets no Party membership.
void RedactTeacher(const auth::Principal& p, gongtong::registry::v1::Teacher& t);

}  // namespace gongtong::registry
