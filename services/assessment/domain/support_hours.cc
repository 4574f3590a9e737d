#include "assessment/domain/support_hours.h"

#include <cstdlib>

#include "common/status/error.h"

namespace gongtong::assessment {

absl::StatusOr<CentiHours> ParseCentiHours(std::string_view text, const std::string& field) {
  auto bad = [&] {
    return InvalidField(field, "must be a decimal like \"1\" or \"1.5\" with at most 2 decimals",
                        "须为非负十进制数（如 \"1\" 或 \"1.5\"），最多两位小数", "DECIMAL_INVALID");
  };
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || (whole.size() > 1 && whole[0] == '0')) return bad();
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) return bad();
  CentiHours value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return bad();
    value = value * 10 + (c - '0');
  }
  value *= 100;
  CentiHours scale = 10;
  for (char c : frac) {
    if (c < '0' || c > '9') return bad();
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value;
}

std::string FormatCentiHours(CentiHours hours) {
  std::string sign = hours < 0 ? "-" : "";
  CentiHours abs = std::llabs(hours);
  std::string out = sign + std::to_string(abs / 100);
  CentiHours frac = abs % 100;
  if (frac == 0) return out;
  if (frac % 10 == 0) return out + "." + std::to_string(frac / 10);
  return out + (frac < 10 ? ".0" : ".") + std::to_string(frac);
}

absl::StatusOr<CentiHours> ClassHoursOf(av1::ActivityRecordKind kind, int lessons, int half_days,
                                        const CountingFactors& factors, const std::string& prefix) {
  switch (kind) {
    case av1::ACTIVITY_RECORD_KIND_TAUGHT:
    case av1::ACTIVITY_RECORD_KIND_OBSERVED:
    case av1::ACTIVITY_RECORD_KIND_LESSON_TALK:
      if (half_days != 0) {
        return InvalidField(prefix + ".half_days", "lessons are counted in lessons, not half days",
                            "上课、听课、说课按节数计，不填半天数", "ACTIVITY_QUANTITY_INVALID");
      }
      if (lessons < 1 || lessons > 10) {
        return InvalidField(prefix + ".lessons", "must be 1..10", "节数须在1到10之间", "ACTIVITY_QUANTITY_INVALID");
      }
      return factors.per_lesson * lessons;
    case av1::ACTIVITY_RECORD_KIND_RESEARCH:
      if (lessons != 0) {
        return InvalidField(prefix + ".lessons", "a research activity is counted in half days, not lessons (R-SUP-3)",
                            "教研活动按半天计（每半天3课时），不能按节数填报", "RESEARCH_IN_LESSONS");
      }
      if (half_days < 1 || half_days > 10) {
        return InvalidField(prefix + ".half_days", "must be 1..10", "半天数须在1到10之间", "ACTIVITY_QUANTITY_INVALID");
      }
      return factors.per_research_half_day * half_days;
    default:
      return InvalidField(prefix + ".kind", "required: TAUGHT, OBSERVED, LESSON_TALK or RESEARCH",
                          "须填写活动类型：上课、听课、说课或教研活动", "ACTIVITY_KIND_INVALID");
  }
}

}  // namespace gongtong::assessment
