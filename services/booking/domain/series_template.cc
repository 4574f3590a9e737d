#include "booking/domain/series_template.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "booking/domain/civil.h"
#include "booking/domain/session_rules.h"
#include "common/strings.h"
#include "registry/domain/school_rules.h"

namespace gongtong::booking {
namespace {

constexpr char kPrefix[] = "series.session_template";

// A session field path (after the prefix) → the template's name for it.
std::string TemplateField(const std::string& field) {
  const std::string session_prefix = absl::StrCat(kPrefix, ".");
  std::string rest = field.substr(session_prefix.size());
  if (absl::StartsWith(Absl(rest), "receivers[")) {
    // receivers[i].school_class → receiving_classes[i]
    rest = absl::StrReplaceAll(rest, {{"receivers[", "receiving_classes["}, {"].school_class", "]"}});
  } else if (rest == "window.start_time" || rest == "window.end_time") {
    rest = rest.substr(std::string("window.").size());
  }
  return absl::StrCat(session_prefix, rest);
}

}  // namespace

v1::Session OccurrenceOf(const v1::SessionTemplate& t, absl::CivilDay date, int n) {
  v1::Session s;
  s.mutable_host()->set_teacher(t.host().teacher());
  s.mutable_host()->set_classroom(t.host().classroom());
  s.mutable_host()->set_school_class(t.host().school_class());
  for (const std::string& cls : t.receiving_classes()) s.add_receivers()->set_school_class(cls);
  *s.mutable_subject() = t.subject();
  s.set_topic(absl::StrReplaceAll(t.topic(), {{"{n}", absl::StrCat(n)}}));
  s.set_mode(t.mode());
  if (t.has_lesson_plan()) *s.mutable_lesson_plan() = t.lesson_plan();
  *s.mutable_window()->mutable_date() = ToProtoDate(date);
  s.set_host_period(t.host_period());
  if (t.host_period() == 0) {
    if (t.has_start_time()) *s.mutable_window()->mutable_start_time() = t.start_time();
    if (t.has_end_time()) *s.mutable_window()->mutable_end_time() = t.end_time();
  }
  return s;
}

absl::Status ValidateTemplateShape(const v1::SessionTemplate& t) {
  // Any full date serves: the series' dates are checked by ValidateSeriesShape.
  std::vector<registry::Violation> violations =
      SessionViolations(OccurrenceOf(t, absl::CivilDay(2000, 1, 1), 1), /*hold=*/false, kPrefix);
  for (auto& v : violations) v.field = TemplateField(v.field);
  if (!t.bell_schedule_override_reason().empty()) {
    const absl::Status reason = ValidateReason(t.bell_schedule_override_reason(),
                                               absl::StrCat(kPrefix, ".bell_schedule_override_reason"),
                                               kMaxOverrideReasonChars);
    if (!reason.ok()) {
      violations.push_back({absl::StrCat(kPrefix, ".bell_schedule_override_reason"), "1-200 characters",
                            "突破作息时间的理由须为1至200个字"});
    }
  }
  return registry::ToStatus(violations, "SESSION_INVALID");
}

}  // namespace gongtong::booking
