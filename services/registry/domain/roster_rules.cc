#include "registry/domain/roster_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "common/strings.h"
#include "registry/domain/calendar_rules.h"
#include "registry/domain/community_rules.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using gongtong::common::v1::SubjectCode;

constexpr std::string_view kSchools = "schools/";
constexpr std::string_view kTeachers = "teachers/";

// Characters (UTF-8 code points), not bytes: names are Chinese.
size_t Chars(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

absl::StatusOr<SchoolChildKey> ParseChild(std::string_view name, std::string_view collection, const std::string& field,
                                          const char* zh) {
  if (name.substr(0, kSchools.size()) == kSchools) {
    std::string_view rest = name.substr(kSchools.size());
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
      std::string_view code = rest.substr(0, slash), tail = rest.substr(slash + 1);
      if (SchoolCodeProblem(code).empty() && tail.substr(0, collection.size()) == collection &&
          tail.size() > collection.size() && tail[collection.size()] == '/' &&
          IsResourceId(tail.substr(collection.size() + 1))) {
        return SchoolChildKey{std::string(code), std::string(tail.substr(collection.size() + 1))};
      }
    }
  }
  return InvalidField(field, absl::StrCat("must be schools/{school_code}/", Absl(collection), "/{id}"), zh);
}

bool StaffNumberOk(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

bool IsTeacherRef(std::string_view name) {
  return name.substr(0, kTeachers.size()) == kTeachers && IsResourceId(name.substr(kTeachers.size()));
}

void SubjectViolations(const Teacher& t, const std::string& prefix, std::vector<Violation>* v) {
  if (t.subjects_size() < 1 || t.subjects_size() > 8) {
    v->push_back({prefix + ".subjects", "must name 1 to 8 subjects", "任教学科须为1至8门"});
  }
  std::set<std::string> seen;
  for (int i = 0; i < t.subjects_size(); ++i) {
    const auto& s = t.subjects(i);
    const std::string path = absl::StrCat(prefix, ".subjects[", i, "]");
    if (s.code() == gongtong::common::v1::SUBJECT_CODE_UNSPECIFIED ||
        !gongtong::common::v1::SubjectCode_IsValid(s.code())) {
      v->push_back({path + ".code", "must be a known subject", "学科无效"});
    } else if (s.code() == gongtong::common::v1::SUBJECT_CODE_OTHER && s.custom_name().empty()) {
      v->push_back({path + ".custom_name", "is required for SUBJECT_CODE_OTHER", "其他学科须填写名称"});
    } else if (!seen.insert(absl::StrCat(s.code(), "/", s.custom_name())).second) {
      v->push_back({path, "is named twice", "学科重复"});
    }
  }
}

void HonourViolations(const Teacher& t, const std::string& prefix, std::vector<Violation>* v) {
  if (t.honours_size() > 20) v->push_back({prefix + ".honours", "at most 20 honours", "荣誉不超过20项"});
  for (int i = 0; i < t.honours_size(); ++i) {
    const auto& h = t.honours(i);
    const std::string path = absl::StrCat(prefix, ".honours[", i, "]");
    if (h.kind() == v1::HONOUR_KIND_UNSPECIFIED || !v1::HonourKind_IsValid(h.kind())) {
      v->push_back({path + ".kind", "is required", "须选择荣誉类别"});
    }
    if (h.year() != 0 && (h.year() < 1950 || h.year() > 2100)) {
      v->push_back({path + ".year", "must be 1950..2100", "获得年份须在1950至2100之间"});
    }
    if (h.kind() == v1::HONOUR_KIND_OTHER && h.title().empty()) {
      v->push_back({path + ".title", "is required for HONOUR_KIND_OTHER", "其他荣誉须填写名称"});
    }
    if (Chars(h.title()) > 100)
      v->push_back({path + ".title", "must be at most 100 characters", "荣誉名称不超过100个字符"});
  }
}

void PartyViolations(const Teacher& t, const std::string& prefix, std::vector<Violation>* v) {
  const auto& m = t.party_membership();
  const bool member =
      m.status() == v1::PARTY_MEMBERSHIP_STATUS_PROBATIONARY || m.status() == v1::PARTY_MEMBERSHIP_STATUS_FULL;
  const std::string path = prefix + ".party_membership";
  if (!v1::PartyMembershipStatus_IsValid(m.status())) {
    v->push_back({path + ".status", "is not a known status", "党员身份无效"});
  }
  constexpr std::string_view kOrgs = "partyOrganizations/";
  if (member && (m.organization().substr(0, kOrgs.size()) != kOrgs ||
                 !IsResourceId(std::string_view(m.organization()).substr(kOrgs.size())))) {
    v->push_back({path + ".organization", "must be partyOrganizations/{id} for a Party member",
                  "党员须填写所在党组织 partyOrganizations/{id}"});
  } else if (!member && !m.organization().empty()) {
    v->push_back({path + ".organization", "must be empty unless PROBATIONARY or FULL", "非党员不应填写党组织"});
  }
  if (m.has_join_date() && !IsValidDate(m.join_date())) {
    v->push_back({path + ".join_date", "must be a calendar date", "入党日期无效"});
  }
}

const char* kChineseDigits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

}  // namespace

// ---- names ----------------------------------------------------------------

std::string SchoolClassName(std::string_view code, std::string_view id) {
  return absl::StrCat("schools/", Absl(code), "/classes/", Absl(id));
}

std::string ClassroomName(std::string_view code, std::string_view id) {
  return absl::StrCat("schools/", Absl(code), "/classrooms/", Absl(id));
}

std::string TeacherName(std::string_view id) { return absl::StrCat("teachers/", Absl(id)); }

absl::StatusOr<SchoolChildKey> ParseSchoolClassName(std::string_view name, const std::string& field) {
  return ParseChild(name, "classes", field, "班级资源名称格式应为 schools/{学校标识码}/classes/{id}");
}

absl::StatusOr<SchoolChildKey> ParseClassroomName(std::string_view name, const std::string& field) {
  return ParseChild(name, "classrooms", field, "教室资源名称格式应为 schools/{学校标识码}/classrooms/{id}");
}

absl::StatusOr<std::string> ParseTeacherName(std::string_view name, const std::string& field) {
  if (IsTeacherRef(name)) return std::string(name.substr(kTeachers.size()));
  return InvalidField(field, "must be teachers/{teacher_id}", "教师资源名称格式应为 teachers/{id}");
}

absl::StatusOr<std::string> ParseRosterParent(std::string_view parent, const std::string& field) {
  if (parent == "schools/-") return std::string();
  return ParseSchoolName(parent, field);
}

// ---- values ---------------------------------------------------------------

SchoolStage StageOfGrade(Grade g) {
  const int n = static_cast<int>(g);
  if (n >= 1 && n <= 4) return gongtong::common::v1::SCHOOL_STAGE_KINDERGARTEN;
  if (n >= 11 && n <= 16) return gongtong::common::v1::SCHOOL_STAGE_PRIMARY;
  if (n >= 17 && n <= 19) return gongtong::common::v1::SCHOOL_STAGE_JUNIOR_MIDDLE;
  if (n >= 20 && n <= 22) return gongtong::common::v1::SCHOOL_STAGE_SENIOR_MIDDLE;
  return gongtong::common::v1::SCHOOL_STAGE_UNSPECIFIED;
}

std::vector<Grade> GradesOfStage(SchoolStage stage) {
  std::vector<Grade> out;
  for (int n = 1; n <= 22; ++n) {
    if (gongtong::common::v1::Grade_IsValid(n) && StageOfGrade(static_cast<Grade>(n)) == stage) {
      out.push_back(static_cast<Grade>(n));
    }
  }
  return out;
}

std::string DefaultClassDisplayName(Grade grade, int class_number) {
  const int n = static_cast<int>(grade);
  static const char* kKindergarten[] = {"", "托", "小", "中", "大"};
  std::string g;
  if (n >= 1 && n <= 4) g = kKindergarten[n];
  else if (n >= 11 && n <= 19) g = kChineseDigits[n - 10];
  else if (n >= 20 && n <= 22) g = absl::StrCat("高", kChineseDigits[n - 19]);
  return absl::StrCat(g, "(", class_number, ")班");
}

// ---- validation -------------------------------------------------------------

std::vector<Violation> SchoolClassViolations(const SchoolClass& c, const std::string& school_code,
                                             const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const char* field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  if (StageOfGrade(c.grade()) == gongtong::common::v1::SCHOOL_STAGE_UNSPECIFIED)
    add("grade", "is required", "须选择年级");
  if (c.class_number() < 1 || c.class_number() > 99) add("class_number", "must be 1..99", "班号须在1至99之间");
  if (Chars(c.display_name()) > 40) add("display_name", "must be at most 40 characters", "班级名称不超过40个字符");
  if (c.pupil_count() < 0 || c.pupil_count() > 200) add("pupil_count", "must be 0..200", "学生人数须在0至200之间");
  if (!c.homeroom_teacher().empty() && !IsTeacherRef(c.homeroom_teacher())) {
    add("homeroom_teacher", "must be teachers/{teacher_id}", "班主任资源名称格式应为 teachers/{id}");
  }
  if (!c.home_classroom().empty()) {
    auto room = ParseClassroomName(c.home_classroom(), prefix + ".home_classroom");
    if (!room.ok()) {
      add("home_classroom", "must be schools/{school_code}/classrooms/{id}",
          "教室资源名称格式应为 schools/{学校标识码}/classrooms/{id}");
    } else if (room->school_code != school_code) {
      add("home_classroom", "must be a classroom of the class's own school", "班级教室须属于本校");
    }
  }
  return v;
}

std::vector<Violation> ClassroomViolations(const Classroom& room, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const char* field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  if (room.display_name().empty() || Chars(room.display_name()) > 60) {
    add("display_name", "must be 1 to 60 characters", "教室名称须为1至60个字符");
  }
  const bool known = v1::ClassroomKind_IsValid(room.kind()) && room.kind() != v1::CLASSROOM_KIND_UNSPECIFIED;
  if (!known) add("kind", "is required", "须选择教室类型");
  if (room.capacity() < 1 || room.capacity() > 500) add("capacity", "must be 1..500", "座位数须在1至500之间");
  if (known && room.kind() == v1::CLASSROOM_KIND_ORDINARY && room.max_outgoing_streams() != 0) {
    add("max_outgoing_streams", "must be 0 for an ordinary classroom (it cannot send)",
        "普通教室不能发送直播，最大并发路数须为0");
  } else if (known && (room.max_outgoing_streams() < 0 || room.max_outgoing_streams() > 32)) {
    add("max_outgoing_streams", "must be 1..32 for a sending classroom", "录播教室最大并发路数须在1至32之间");
  }
  if (Chars(room.location()) > 100) add("location", "must be at most 100 characters", "位置不超过100个字符");
  return v;
}

std::vector<Violation> TeacherViolations(const Teacher& t, bool creating, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const char* field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  if (!StaffNumberOk(t.staff_number()))
    add("staff_number", "must be 1 to 32 characters [0-9A-Za-z]", "教师编号须为1至32位字母或数字");
  if (t.display_name().empty() || Chars(t.display_name()) > 40)
    add("display_name", "must be 1 to 40 characters", "姓名须为1至40个字符");
  if (creating && !ParseSchoolName(t.school(), prefix + ".school").ok()) {
    add("school", "must be schools/{10-digit school code}", "学校资源名称格式应为 schools/{10位学校标识码}");
  }
  SubjectViolations(t, prefix, &v);
  if (t.title() == v1::TEACHER_TITLE_UNSPECIFIED || !v1::TeacherTitle_IsValid(t.title()))
    add("title", "is required", "须选择职称");
  HonourViolations(t, prefix, &v);
  if (Chars(t.position()) > 40) add("position", "must be at most 40 characters", "职务不超过40个字符");
  PartyViolations(t, prefix, &v);
  if (!v1::EmploymentStatus_IsValid(t.employment_status()))
    add("employment_status", "is not a known status", "在职状态无效");
  std::set<int> stages;
  for (int i = 0; i < t.stages_size(); ++i) {
    const std::string path = absl::StrCat(prefix, ".stages[", i, "]");
    if (t.stages(i) == gongtong::common::v1::SCHOOL_STAGE_UNSPECIFIED ||
        !gongtong::common::v1::SchoolStage_IsValid(t.stages(i))) {
      v.push_back({path, "must be a known stage", "学段无效"});
    } else if (!stages.insert(t.stages(i)).second) {
      v.push_back({path, "is named twice", "学段重复"});
    }
  }
  return v;
}

void NormalizeSchoolClass(SchoolClass& c) {
  if (c.display_name().empty()) c.set_display_name(DefaultClassDisplayName(c.grade(), c.class_number()));
}

void NormalizeUpdatedClass(const SchoolClass& before, SchoolClass& after, bool display_name_in_mask) {
  if (!display_name_in_mask &&
      before.display_name() == DefaultClassDisplayName(before.grade(), before.class_number())) {
    after.clear_display_name();
  }
  if (StageOfGrade(after.grade()) != gongtong::common::v1::SCHOOL_STAGE_UNSPECIFIED && after.class_number() >= 1 &&
      after.class_number() <= 99) {
    NormalizeSchoolClass(after);
  }
}

void NormalizeClassroom(Classroom& room) {
  if (room.kind() != v1::CLASSROOM_KIND_ORDINARY && room.max_outgoing_streams() == 0) room.set_max_outgoing_streams(1);
}

void NormalizeTeacher(Teacher& t) {
  if (t.employment_status() == v1::EMPLOYMENT_STATUS_UNSPECIFIED) t.set_employment_status(v1::EMPLOYMENT_STATUS_ACTIVE);
}

// ---- facts ------------------------------------------------------------------

absl::Status GradeFitsSchool(const SchoolClass& c, const std::vector<SchoolStage>& stages, const std::string& prefix) {
  if (std::find(stages.begin(), stages.end(), StageOfGrade(c.grade())) != stages.end()) return absl::OkStatus();
  return PreconditionOn("GRADE_NOT_OF_SCHOOL", prefix + ".grade", "is not within the school's stages",
                        "该年级不属于本校学段");
}

absl::Status HomeroomOfSchool(const SchoolClass& c, const RosterRef& teacher, const std::string& school_code,
                              const std::string& prefix) {
  if (c.homeroom_teacher().empty()) return absl::OkStatus();
  if (!teacher.exists || teacher.deleted) {
    return PreconditionOn("HOMEROOM_TEACHER_MISSING", prefix + ".homeroom_teacher", "no live teacher has this name",
                          "班主任不存在或已删除");
  }
  if (teacher.school_code != school_code) {
    return PreconditionOn("HOMEROOM_TEACHER_OTHER_SCHOOL", prefix + ".homeroom_teacher",
                          "belongs to another school (schools/" + teacher.school_code + ")", "班主任须为本校教师");
  }
  return absl::OkStatus();
}

absl::Status HomeClassroomLive(const SchoolClass& c, const RosterRef& room, const std::string& prefix) {
  if (c.home_classroom().empty() || (room.exists && !room.deleted)) return absl::OkStatus();
  return PreconditionOn("HOME_CLASSROOM_MISSING", prefix + ".home_classroom", "no live classroom has this name",
                        "班级教室不存在或已删除");
}

absl::Status TeacherStagesFitSchool(const Teacher& t, const std::vector<SchoolStage>& stages,
                                    const std::string& prefix) {
  for (int i = 0; i < t.stages_size(); ++i) {
    if (std::find(stages.begin(), stages.end(), t.stages(i)) == stages.end()) {
      return PreconditionOn("STAGE_NOT_OF_SCHOOL", absl::StrCat(prefix, ".stages[", i, "]"),
                            "is not a stage of the teacher's school", "任教学段不属于本校学段");
    }
  }
  return absl::OkStatus();
}

// ---- moves ------------------------------------------------------------------

absl::Status CheckMove(const Teacher& t, const v1::MoveTeacherRequest& req) {
  std::vector<Violation> v;
  auto target = ParseSchoolName(req.target_school(), "target_school");
  if (!target.ok()) {
    v.push_back({"target_school", "must be schools/{10-digit school code}",
                 "目标学校资源名称格式应为 schools/{10位学校标识码}"});
  } else if (req.target_school() == t.school()) {
    v.push_back({"target_school", "is the teacher's current school", "目标学校与当前学校相同"});
  }
  if (!req.has_effective_date() || !IsFullDate(req.effective_date())) {
    v.push_back({"effective_date", "must be a full date", "须填写完整的调动生效日期"});
  } else if (t.school_stints_size() > 0 && t.school_stints().rbegin()->has_start_date() &&
             DayNumber(ToCivil(req.effective_date())) <= DayNumber(ToCivil(t.school_stints().rbegin()->start_date()))) {
    v.push_back(
        {"effective_date", "must be after the current stint's start date", "生效日期须晚于在当前学校的起始日期"});
  }
  if (req.reason() == v1::MOVE_REASON_UNSPECIFIED || req.reason() == v1::MOVE_REASON_INITIAL ||
      !v1::MoveReason_IsValid(req.reason())) {
    v.push_back({"reason", "must be TRANSFER, ROTATION, APPOINTMENT or CORRECTION", "须选择调动原因"});
  }
  if (Chars(req.note()) > 200) v.push_back({"note", "must be at most 200 characters", "备注不超过200个字符"});
  GT_RETURN_IF_ERROR(ToStatus(v, "MOVE_INVALID"));
  if (t.employment_status() != v1::EMPLOYMENT_STATUS_ACTIVE) {
    return PreconditionOn("TEACHER_NOT_ACTIVE", "name", "only an ACTIVE teacher can move", "只有在职教师可以调动");
  }
  return absl::OkStatus();
}

Teacher ApplyMove(Teacher t, const v1::MoveTeacherRequest& req) {
  if (t.school_stints_size() > 0) {
    *t.mutable_school_stints()->rbegin()->mutable_end_date() =
        ToProtoDate(FromDayNumber(DayNumber(ToCivil(req.effective_date())) - 1));
  }
  auto* stint = t.add_school_stints();
  stint->set_school(req.target_school());
  *stint->mutable_start_date() = req.effective_date();
  stint->set_reason(req.reason());
  stint->set_note(req.note());
  t.set_school(req.target_school());
  return t;
}

void StartFirstStint(Teacher& t, const google::type::Date& start) {
  t.clear_school_stints();
  auto* stint = t.add_school_stints();
  stint->set_school(t.school());
  *stint->mutable_start_date() = start;
  stint->set_reason(v1::MOVE_REASON_INITIAL);
}

}  // namespace gongtong::registry
