#pragma once
// The checks of class and teacher writes against the database's facts, run
// inside the store's transaction (RosterCheck). One definition serves the
// unary methods (rpc/roster_methods.cc, rpc/teacher_methods.cc) and bulk
// import (rpc/roster_row_importers.cc), so an imported row is refused exactly
// where the single call would be.

#include <string>

#include "absl/status/status.h"
#include "common/auth/principal.h"
#include "registry/storage/roster_store.h"

namespace gongtong::registry {

// FAILED_PRECONDITION SCHOOL_DELETED naming `field` when the school is deleted.
absl::Status SchoolLive(const SchoolState& school, const std::string& field);

// A live class: the caller may write its school, the school is live, the
// grade is within its stages, the homeroom teacher is of the school and the
// home classroom live.
absl::Status CheckClass(const auth::Principal& p, const SchoolClass& c, const ClassFacts& f);

// CreateSchoolClass's check.
RosterCheck<SchoolClass, ClassFacts> ClassCreateCheck(const auth::Principal& p);
// UpdateSchoolClass's check for a class of `school_code`: access, not
// deleted, the class's own fields, then CheckClass.
RosterCheck<SchoolClass, ClassFacts> ClassUpdateCheck(const auth::Principal& p, const std::string& school_code);

// The teacher's school is live, her Party organisation registered and live,
// and her stages are of the school.
absl::Status TeacherFitsSchool(const Teacher& t, const TeacherFacts& f);

// CreateTeacher's check for a teacher of `school_code`.
RosterCheck<Teacher, TeacherFacts> TeacherCreateCheck(const auth::Principal& p, const std::string& school_code);
// UpdateTeacher's check: access to her current school, not deleted, her own
// fields, then TeacherFitsSchool.
RosterCheck<Teacher, TeacherFacts> TeacherUpdateCheck(const auth::Principal& p);

}  // namespace gongtong::registry
