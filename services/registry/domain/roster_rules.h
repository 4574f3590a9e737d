#pragma once
// Rules for a school's rosters: classes (班级), classrooms (教室) and teachers
// (教师) (DOMAIN §2; issue 3; registry/v1/school.proto, teacher.proto). Pure
// functions, no I/O: what the database knows (the school's stages, the
// homeroom teacher's school, the home classroom) is passed in as facts.
//
//   SchoolClass  grade set; class number 1..99; pupils 0..200; display name
//                generated from grade and number when empty (三(2)班);
//                homeroom teacher "teachers/{id}", home classroom a classroom
//                of the same school (INVALID_ARGUMENT when malformed). Against
//                the facts (FAILED_PRECONDITION): the grade is within the
//                school's stages, the homeroom teacher is a live teacher of
//                the school, the home classroom a live room of the school.
//   Classroom    1–60-character name; kind set; capacity 1..500; outgoing
//                streams 0 for ORDINARY, 1..32 for RECORDING and
//                DIRECT_BROADCAST (0 sent = 1), so only rooms that can send
//                may host (R-SYNC-1) and a session feeds at most that many
//                receiving classes.
//   Teacher      staff number 1–32 [0-9A-Za-z]; 1–40-character name; school
//                "schools/{code}"; 1–8 distinct subjects; title set; at most
//                20 honours (kind set, year 1950..2100 when given, title for
//                OTHER); Party organisation exactly when PROBATIONARY/FULL;
//                stages distinct and (FAILED_PRECONDITION) of the school.
//   MoveTeacher  target differs from the current school; effective date a
//                full date after the current stint's start; reason neither
//                UNSPECIFIED nor INITIAL; note ≤ 200 characters
//                (INVALID_ARGUMENT); the teacher ACTIVE (FAILED_PRECONDITION).
//                The move ends the current stint the day before and opens
//                one at the target.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/registry/v1/school.pb.h"
#include "gongtong/registry/v1/teacher.pb.h"
#include "gongtong/registry/v1/teacher_requests.pb.h"
#include "google/type/date.pb.h"
#include "registry/domain/school_rules.h"

namespace gongtong::registry {

using gongtong::common::v1::Grade;
using gongtong::registry::v1::Classroom;
using gongtong::registry::v1::SchoolClass;
using gongtong::registry::v1::Teacher;

// ---- names ----------------------------------------------------------------

// A resource of a school: "schools/{code}/classes/{id}" or ".../classrooms/{id}".
struct SchoolChildKey {
  std::string school_code;
  std::string id;
};
std::string SchoolClassName(std::string_view school_code, std::string_view class_id);
std::string ClassroomName(std::string_view school_code, std::string_view classroom_id);
std::string TeacherName(std::string_view teacher_id);
// INVALID_ARGUMENT naming `field` when malformed.
absl::StatusOr<SchoolChildKey> ParseSchoolClassName(std::string_view name, const std::string& field);
absl::StatusOr<SchoolChildKey> ParseClassroomName(std::string_view name, const std::string& field);
absl::StatusOr<std::string> ParseTeacherName(std::string_view name, const std::string& field);
// A list's parent: "schools/{code}" → code; "schools/-" → "" (every school).
absl::StatusOr<std::string> ParseRosterParent(std::string_view parent, const std::string& field);

// ---- values ---------------------------------------------------------------

// The stage a grade belongs to (GRADE_3 → PRIMARY); UNSPECIFIED when unknown.
SchoolStage StageOfGrade(Grade grade);
// The grades of a stage, lowest first.
std::vector<Grade> GradesOfStage(SchoolStage stage);
// "三(2)班", "高一(1)班", "大(3)班".
std::string DefaultClassDisplayName(Grade grade, int class_number);

// ---- validation (INVALID_ARGUMENT) -----------------------------------------

// Every violation of the class's own fields; `prefix` e.g. "school_class".
// `school_code` is the class's school (home_classroom must be of it).
std::vector<Violation> SchoolClassViolations(const SchoolClass& c, const std::string& school_code,
                                             const std::string& prefix);
std::vector<Violation> ClassroomViolations(const Classroom& room, const std::string& prefix);
// `creating`: the school is required (on update it is output only).
std::vector<Violation> TeacherViolations(const Teacher& t, bool creating, const std::string& prefix);

// Defaults a create or update applies: a class's display name, a sending
// room's stream count.
void NormalizeSchoolClass(SchoolClass& c);
void NormalizeClassroom(Classroom& room);
// After an update of `before`: a display name that was generated follows a
// new grade or number unless the update sets the name; an empty one is
// generated (when grade and number are valid).
void NormalizeUpdatedClass(const SchoolClass& before, SchoolClass& after, bool display_name_in_mask);
// An unset employment status reads as ACTIVE.
void NormalizeTeacher(Teacher& t);

// ---- against the database's facts (FAILED_PRECONDITION) ---------------------

// What is known about a referenced teacher or classroom.
struct RosterRef {
  bool exists = false;
  bool deleted = false;
  std::string school_code;  // a teacher's current school
};

// The class's grade is within `stages` (the school's).
absl::Status GradeFitsSchool(const SchoolClass& c, const std::vector<SchoolStage>& stages, const std::string& prefix);
// The homeroom teacher (when named) is live and of `school_code`.
absl::Status HomeroomOfSchool(const SchoolClass& c, const RosterRef& teacher, const std::string& school_code,
                              const std::string& prefix);
// The home classroom (when named) exists and is live.
absl::Status HomeClassroomLive(const SchoolClass& c, const RosterRef& room, const std::string& prefix);
// Each of the teacher's stages is one of the school's.
absl::Status TeacherStagesFitSchool(const Teacher& t, const std::vector<SchoolStage>& stages,
                                    const std::string& prefix);

// ---- moves -----------------------------------------------------------------

// INVALID_ARGUMENT checks of a move request against the teacher as stored,
// then FAILED_PRECONDITION unless she is ACTIVE.
absl::Status CheckMove(const Teacher& t, const gongtong::registry::v1::MoveTeacherRequest& req);
// The teacher after the move: the current stint ends the day before
// `effective_date`, a new one starts at the target; `school` is the target.
Teacher ApplyMove(Teacher t, const gongtong::registry::v1::MoveTeacherRequest& req);
// The first stint of a created teacher (reason INITIAL, from `start`).
void StartFirstStint(Teacher& t, const google::type::Date& start);

}  // namespace gongtong::registry
