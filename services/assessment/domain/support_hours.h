#pragma once
// Class hours (课时) as exact numbers (R-SUP-3): hundredths of a class hour in
// an int64, because the counting factors of SupportRules have at most two
// decimals and every figure a county uses for titles must be reproducible to
// the last digit — never binary floating point. Pure functions, no I/O.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gongtong/assessment/v1/support.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

// Hundredths of a class hour: 100 = one class hour, 7950 = 79.5.
using CentiHours = int64_t;

// Parses a canonical decimal string ("1", "1.5", "0.25": no sign, at most two
// fraction digits, at most 9 integer digits) into hundredths. INVALID_ARGUMENT
// naming `field` otherwise (zh-CN message).
absl::StatusOr<CentiHours> ParseCentiHours(std::string_view text, const std::string& field);

// The canonical decimal string of `hours` without trailing fraction zeros:
// 100 → "1", 7950 → "79.5", 25 → "0.25", -150 → "-1.5".
std::string FormatCentiHours(CentiHours hours);

// The counting factors of R-SUP-3 in force (from SupportRules).
struct CountingFactors {
  CentiHours per_lesson = 100;             // taught, observed, lesson talk
  CentiHours per_research_half_day = 300;  // research activity
};

// R-SUP-3: the class hours an activity earns. TAUGHT, OBSERVED and
// LESSON_TALK need 1..10 lessons and no half days; RESEARCH needs 1..10 half
// days and no lessons ("a research activity given in lessons" is refused
// naming "<prefix>.lessons"). INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<CentiHours> ClassHoursOf(av1::ActivityRecordKind kind, int lessons, int half_days,
                                        const CountingFactors& factors, const std::string& prefix);

}  // namespace gongtong::assessment
