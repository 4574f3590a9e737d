#pragma once
// Evaluation schemes as data (DOMAIN §6, R-EVAL-1, R-EVAL-2, R-EVAL-3;
// assessment/v1/scheme.proto). Pure: no I/O.
//
//   DefaultScheme     Yuhuan's scheme, "evaluationSchemes/yuhuan-default":
//                     regular work per term 30 + 30 (max 100 each, due 10 Nov
//                     and 10 Jun), year-end project OR feature out of 40
//                     (alternative group "year_end", due 30 May); fused and
//                     co-built 1:1 / 7:3 / 3:7; collaborative regular 1:1 and
//                     project 1:1, feature excluded; 2 places, half up, final
//                     figures only; 20 % enters each school's assessment.
//   SchemeViolations  every field problem of a scheme sent for create/update
//                     (INVALID_ARGUMENT naming each field): 1..20 components,
//                     ids ^[a-z0-9_]{1,40}$ and unique, kind set, max_score and
//                     share positive, alternatives of a group with equal
//                     shares, shares summing to exactly 100 (each group
//                     once), indicators unique and summing to max_score,
//                     regular work naming its term, deadlines valid month/day,
//                     one rule per community type, ratios ≥ 0 with a positive
//                     sum for every kind the type uses, rounding scale 0..6,
//                     school_assessment_share 0..1. Every figure ≤ 10^6 with
//                     at most 6 fraction digits (keeps exact arithmetic
//                     bounded).
//   SelectScheme      the scheme in force for a region and year: published,
//                     longest region prefix, exact year before "any year",
//                     highest version; the built-in default last.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "assessment/domain/decimal.h"
#include "gongtong/assessment/v1/evaluation_input.pb.h"
#include "gongtong/assessment/v1/scheme.pb.h"
#include "google/type/date.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

// One BadRequest field violation, collected before failing.
struct EvalViolation {
  std::string field;
  std::string description;
  std::string zh;
};

// One INVALID_ARGUMENT status carrying every violation (reason `reason`);
// OK when `violations` is empty.
absl::Status ViolationsStatus(const std::vector<EvalViolation>& violations,
                              const std::string& reason);

inline constexpr char kDefaultSchemeName[] = "evaluationSchemes/yuhuan-default";

// Yuhuan's built-in scheme (R-EVAL-1, R-EVAL-2), PUBLISHED, version 1.
const av1::EvaluationScheme& DefaultScheme();

std::vector<EvalViolation> SchemeViolations(const av1::EvaluationScheme& s,
                                            const std::string& prefix);
// ViolationsStatus(SchemeViolations(...), "SCHEME_INVALID").
absl::Status ValidateScheme(const av1::EvaluationScheme& s, const std::string& prefix);

// The component with `component_id`, or nullptr.
const av1::SchemeComponent* FindComponent(const av1::EvaluationScheme& s,
                                          std::string_view component_id);
// The component named by an input (self-assessment, review score): a
// component the scheme does not have is INVALID_ARGUMENT
// "COMPONENT_NOT_IN_SCHEME" naming `field` and listing the scheme's ids.
absl::StatusOr<const av1::SchemeComponent*> ComponentForInput(const av1::EvaluationScheme& s,
                                                              std::string_view component_id,
                                                              const std::string& field);

// The rule for a community type, or nullptr when the scheme does not
// evaluate that type.
const av1::CommunityTypeRule* RuleForType(const av1::EvaluationScheme& s,
                                          gongtong::registry::v1::CommunityType type);
// True when `kind` is excluded for the rule's type.
bool IsExcluded(const av1::CommunityTypeRule& rule, av1::ComponentKind kind);
// The core:member ratio for `kind`, or nullptr.
const av1::ComponentRatio* RatioFor(const av1::CommunityTypeRule& rule, av1::ComponentKind kind);

// Rounding of the scheme as used by the computation (defaults applied:
// 2 places, half up, final only).
struct RoundingPolicy {
  int scale = 2;
  Rounding mode = Rounding::kHalfUp;
  bool each_step = false;
};
RoundingPolicy PolicyOf(const av1::EvaluationScheme& s);

// A scheme decimal field; zero when empty (validated schemes never are).
Decimal Figure(const gongtong::common::v1::Decimal& d);

// R-EVAL-3: the calendar date of a month/day deadline in school year
// `school_year`: Aug–Dec in that year, Jan–Jul in the next (10 Nov 2024 and
// 10 Jun 2025 for 2024).
google::type::Date DeadlineIn(const google::type::Date& month_day, int school_year);
// Filed on local date `filed` (Asia/Shanghai) against `deadline`: late when
// strictly after it; a filing on the deadline day is on time.
bool IsLate(const google::type::Date& filed, const google::type::Date& deadline);

// The scores of a self-assessment or review score against its component
// (evaluation_input.proto IndicatorScore): each indicator_id is one of the
// component's person-scored indicators ("" for a component without
// indicators), at most once, and each score a canonical decimal 0..its max
// (INVALID_ARGUMENT "SCORE_INVALID" naming `field`[i]). Returns the exact sum.
// With `complete`, every person-scored indicator must be scored
// (FAILED_PRECONDITION "SCORES_INCOMPLETE" naming the first missing one).
absl::StatusOr<Decimal> ScoreTotal(
    const av1::SchemeComponent& c,
    const google::protobuf::RepeatedPtrField<gongtong::assessment::v1::IndicatorScore>& scores,
    const std::string& field, bool complete);

// SelectScheme's candidates: any schemes stored (any state); the default is
// added by the function.
const av1::EvaluationScheme* SelectScheme(const std::vector<av1::EvaluationScheme>& stored,
                                          std::string_view region_code, int school_year);

}  // namespace gongtong::assessment
