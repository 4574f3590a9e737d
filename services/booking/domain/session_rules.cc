#include "booking/domain/session_rules.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "booking/domain/civil.h"
#include "common/status/error.h"
#include "common/strings.h"
#include "google/protobuf/util/time_util.h"
#include "registry/domain/community_rules.h"
#include "registry/domain/school_rules.h"

namespace gongtong::booking {
namespace {

constexpr int kMaxCustomSubjectChars = 20;

// Every violation of one request, as one INVALID_ARGUMENT naming each field
// (the registry's collector and status shape).
class Violations {
 public:
  explicit Violations(std::string reason) : reason_(std::move(reason)) {}
  void Add(std::string field, std::string description, std::string zh) {
    items_.push_back({std::move(field), std::move(description), std::move(zh)});
  }
  absl::Status ToStatus() const { return registry::ToStatus(items_, reason_); }
  std::vector<registry::Violation> Take() && { return std::move(items_); }

 private:
  std::string reason_;
  std::vector<registry::Violation> items_;
};

bool TenDigits(std::string_view s) {
  if (s.size() != 10) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "schools/{10 digits}/{collection}/{id}".
bool IsSchoolChild(std::string_view name, std::string_view collection) {
  constexpr std::string_view kSchools = "schools/";
  if (name.substr(0, kSchools.size()) != kSchools) return false;
  name.remove_prefix(kSchools.size());
  if (!TenDigits(name.substr(0, 10)) || name.size() < 11 || name[10] != '/') return false;
  name.remove_prefix(11);
  if (name.substr(0, collection.size()) != collection || name.size() <= collection.size() ||
      name[collection.size()] != '/') {
    return false;
  }
  return ValidClientId(std::string(name.substr(collection.size() + 1)));
}

bool IsTeacherName(const std::string& name) {
  constexpr std::string_view kTeachers = "teachers/";
  return name.rfind(kTeachers, 0) == 0 && ValidClientId(name.substr(kTeachers.size()));
}

void CheckTopic(const v1::Session& s, bool hold, const std::string& prefix, Violations* v) {
  const int chars = Utf8Length(s.topic());
  const bool blank = absl::StripAsciiWhitespace(s.topic()).empty();
  if (blank && !hold) {
    v->Add(prefix + ".topic", "required", "请填写课题");
  } else if (chars > kMaxTopicChars) {
    v->Add(prefix + ".topic", "at most 100 characters", "课题最多100个字");
  }
}

void CheckSubject(const v1::Session& s, const std::string& prefix, Violations* v) {
  const auto& subject = s.subject();
  if (subject.code() == common::v1::SUBJECT_CODE_UNSPECIFIED || !common::v1::SubjectCode_IsValid(subject.code())) {
    v->Add(prefix + ".subject.code", "required", "请选择学科");
    return;
  }
  const int chars = Utf8Length(subject.custom_name());
  if (subject.code() == common::v1::SUBJECT_CODE_OTHER) {
    if (absl::StripAsciiWhitespace(subject.custom_name()).empty() || chars > kMaxCustomSubjectChars) {
      v->Add(prefix + ".subject.custom_name", "1-20 characters for SUBJECT_CODE_OTHER", "其他学科需填写1至20个字的学科名称");
    }
  } else if (!subject.custom_name().empty()) {
    v->Add(prefix + ".subject.custom_name", "only for SUBJECT_CODE_OTHER", "只有“其他”学科才能填写学科名称");
  }
}

void CheckHost(const v1::Session& s, const std::string& prefix, Violations* v) {
  const auto& host = s.host();
  if (!IsTeacherName(host.teacher())) {
    v->Add(prefix + ".host.teacher", "must be teachers/{id}", "主讲教师格式应为 teachers/{id}");
  }
  if (!IsSchoolChild(host.classroom(), "classrooms")) {
    v->Add(prefix + ".host.classroom", "must be schools/{10-digit code}/classrooms/{id}",
           "主讲教室格式应为 schools/{10位学校标识码}/classrooms/{id}");
  }
  if (!IsSchoolChild(host.school_class(), "classes")) {
    v->Add(prefix + ".host.school_class", "must be schools/{10-digit code}/classes/{id}",
           "主讲班级格式应为 schools/{10位学校标识码}/classes/{id}");
  }
}

void CheckReceivers(const v1::Session& s, const std::string& prefix, Violations* v) {
  const int n = s.receivers_size();
  if (n < 1 || n > kMaxReceivers) {
    v->Add(prefix + ".receivers", "1 to 32 receiving classes", "接收班级须为1至32个");
  }
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) {
    const std::string field = absl::StrCat(prefix, ".receivers[", i, "].school_class");
    const std::string& cls = s.receivers(i).school_class();
    if (!IsSchoolChild(cls, "classes")) {
      v->Add(field, "must be schools/{10-digit code}/classes/{id}", "接收班级格式应为 schools/{10位学校标识码}/classes/{id}");
    } else if (cls == s.host().school_class()) {
      v->Add(field, "the host class cannot also receive", "主讲班级不能同时作为接收班级");
    } else if (!seen.insert(cls).second) {
      v->Add(field, "class given twice", "接收班级不能重复");
    }
  }
}

void CheckWindow(const v1::Session& s, const std::string& prefix, Violations* v) {
  const auto& w = s.window();
  if (!IsFullDate(w.date())) {
    v->Add(prefix + ".window.date", "a full date is required", "请填写完整的上课日期");
  }
  if (s.host_period() < 0) {
    v->Add(prefix + ".host_period", "must be 0 (explicit window) or a period number", "节次不能为负数");
    return;
  }
  if (s.host_period() > 0) return;  // the server fills start/end from the bell schedule
  const auto start = w.has_start_time() ? MinuteOfDay(w.start_time()) : std::nullopt;
  const auto end = w.has_end_time() ? MinuteOfDay(w.end_time()) : std::nullopt;
  if (!start) {
    v->Add(prefix + ".window.start_time", "required with host_period 0, hh:mm (minute precision)",
           "未指定节次时须填写开始时间（精确到分钟）");
  }
  if (!end) {
    v->Add(prefix + ".window.end_time", "required with host_period 0, hh:mm (minute precision)",
           "未指定节次时须填写结束时间（精确到分钟）");
  }
  if (start && end && *end <= *start) {
    v->Add(prefix + ".window.end_time", "must be after start_time", "结束时间必须晚于开始时间");
  }
}

}  // namespace

int Utf8Length(std::string_view text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool ValidClientId(const std::string& id) { return registry::IsResourceId(id); }

std::string SessionName(std::string_view id) { return absl::StrCat("sessions/", Absl(id)); }

std::vector<registry::Violation> SessionViolations(const v1::Session& session, bool hold, const std::string& prefix) {
  Violations v("SESSION_INVALID");
  CheckHost(session, prefix, &v);
  CheckReceivers(session, prefix, &v);
  CheckSubject(session, prefix, &v);
  if (session.mode() == v1::SESSION_MODE_UNSPECIFIED || !v1::SessionMode_IsValid(session.mode())) {
    v.Add(prefix + ".mode", "required", "请选择课堂模式");
  }
  CheckTopic(session, hold, prefix, &v);
  CheckWindow(session, prefix, &v);
  return std::move(v).Take();
}

absl::Status ValidateSessionShape(const v1::Session& session, bool hold, const std::string& prefix) {
  return registry::ToStatus(SessionViolations(session, hold, prefix), "SESSION_INVALID");
}

std::vector<std::string> SessionClasses(const v1::Session& session) {
  std::vector<std::string> out = {session.host().school_class()};
  for (const auto& r : session.receivers()) {
    if (r.state() != v1::RECEIVER_STATE_DECLINED) out.push_back(r.school_class());
  }
  return out;
}

absl::Status ValidateReason(const std::string& reason, const std::string& field, int max_chars) {
  if (absl::StripAsciiWhitespace(reason).empty()) {
    return InvalidField(field, "required", "请填写原因");
  }
  if (Utf8Length(reason) > max_chars) {
    return InvalidField(field, absl::StrCat("at most ", max_chars, " characters"),
                        absl::StrCat("原因最多", max_chars, "个字"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCancellation(v1::CancellationReason code, const std::string& reason) {
  if (code == v1::CANCELLATION_REASON_UNSPECIFIED || code == v1::CANCELLATION_REASON_HOLD_EXPIRED ||
      !v1::CancellationReason_IsValid(code)) {
    return InvalidField("reason_code", "a cancellation reason is required (HOLD_EXPIRED is set by the service only)",
                        "请选择取消原因");
  }
  return ValidateReason(reason, "reason", kMaxReasonChars);
}

absl::Status ValidateNotDelivered(v1::NotDeliveredReason code, const std::string& reason) {
  if (code == v1::NOT_DELIVERED_REASON_UNSPECIFIED || !v1::NotDeliveredReason_IsValid(code)) {
    return InvalidField("reason_code", "a reason is required", "请选择未上课原因");
  }
  return ValidateReason(reason, "reason", kMaxReasonChars);
}

absl::Status ValidateDeliveryRecord(const v1::DeliveryRecord& record, const std::vector<std::string>& session_classes,
                                    const std::string& prefix) {
  Violations v("DELIVERY_RECORD_INVALID");
  const std::set<std::string> expected(session_classes.begin(), session_classes.end());
  std::set<std::string> seen;
  for (int i = 0; i < record.attendance_size(); ++i) {
    const auto& a = record.attendance(i);
    const std::string at = absl::StrCat(prefix, ".attendance[", i, "]");
    if (expected.count(a.school_class()) == 0) {
      v.Add(at + ".school_class", "not a class of this session", "该班级不属于本节课");
    } else if (!seen.insert(a.school_class()).second) {
      v.Add(at + ".school_class", "class given twice", "同一班级的出勤只能填写一次");
    }
    if (a.pupils_enrolled() < 0) {
      v.Add(at + ".pupils_enrolled", "must not be negative", "在籍人数不能为负数");
    }
    if (a.pupils_present() < 0 || a.pupils_present() > a.pupils_enrolled()) {
      v.Add(at + ".pupils_present", "must be 0..pupils_enrolled", "出勤人数必须在0到在籍人数之间");
    }
    if (Utf8Length(a.note()) > kMaxAttendanceNoteChars) {
      v.Add(at + ".note", "at most 500 characters", "出勤备注最多500个字");
    }
  }
  for (const std::string& cls : session_classes) {
    if (seen.count(cls) == 0) {
      v.Add(prefix + ".attendance", "missing attendance of " + cls, "缺少班级 " + cls + " 的出勤记录");
    }
  }
  const std::pair<const std::string*, const char*> notes[] = {
      {&record.preparation_notes(), "preparation_notes"},
      {&record.co_marking_notes(), "co_marking_notes"},
      {&record.tutoring_notes(), "tutoring_notes"},
      {&record.homework().description(), "homework.description"},
  };
  for (const auto& [text, name] : notes) {
    if (Utf8Length(*text) > kMaxNotesChars) {
      v.Add(absl::StrCat(prefix, ".", name), "at most 2000 characters", "记录内容最多2000个字");
    }
  }
  if (record.homework().co_marked_count() < 0) {
    v.Add(prefix + ".homework.co_marked_count", "must not be negative", "共同批改份数不能为负数");
  }
  if (record.has_actual_start_time() && record.has_actual_end_time() &&
      record.actual_end_time() <= record.actual_start_time()) {
    v.Add(prefix + ".actual_end_time", "must be after actual_start_time", "实际结束时间必须晚于实际开始时间");
  }
  return v.ToStatus();
}

absl::StatusOr<std::string> ParseSessionName(const std::string& name, const std::string& field) {
  constexpr std::string_view kSessions = "sessions/";
  if (name.rfind(kSessions, 0) == 0) {
    std::string id = name.substr(kSessions.size());
    if (ValidClientId(id)) return id;
  }
  return InvalidField(field, "must be sessions/{id}", "课程资源名称格式应为 sessions/{id}");
}

absl::StatusOr<std::string> SchoolOfResource(const std::string& name, const std::string& field) {
  constexpr std::string_view kSchools = "schools/";
  if (name.rfind(kSchools, 0) == 0) {
    const std::string rest = name.substr(kSchools.size());
    const std::string code = rest.substr(0, 10);
    if (TenDigits(code) && (rest.size() == 10 || (rest.size() > 11 && rest[10] == '/'))) return code;
  }
  return InvalidField(field, "must be schools/{10-digit code}[/...]", "资源名称格式应为 schools/{10位学校标识码}/...");
}

}  // namespace gongtong::booking
