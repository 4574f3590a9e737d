#pragma once
// Computation of evaluation results (DOMAIN §6, R-EVAL-1 … R-EVAL-4;
// assessment/v1/evaluation_result.proto). Pure: the storage layer gathers the
// facts (declarations, the scoring inputs, self-assessment filings, indicator
// values) and this file turns them into results that explain themselves.
//
// School result, per component of the scheme, in scheme order:
//   NOT_APPLICABLE  the kind is excluded for the community type, or the
//                   component is the alternative the school was not assessed
//                   on (project vs feature: a member declaring FEATURE is
//                   assessed on the feature component, otherwise on PROJECT
//                   when it or its core declared a project; the core is never
//                   assessed on FEATURE);
//   MISSING         no scoring input (or no declaration to choose an
//                   alternative): no score, never a silent zero; the total is
//                   empty and partial_total sums what is present;
//   SCORED_LATE     scored, and the school's self-assessment was filed after
//                   its deadline (R-EVAL-3: accepted but flagged);
//   SCORED          otherwise (a self-assessment never filed is stated in
//                   the note).
//   score           the scoring input's total of person-scored indicators
//                   plus, per computed indicator, min(value ÷ target, 1) ×
//                   its max score (R-SYNC-5, R-ACT-1);
//   contribution    score × share ÷ max_score, reported rounded;
//   total           FINAL_ONLY: Σ exact contributions, rounded once;
//                   EACH_STEP: every step rounded, the total sums the rounded
//                   contributions.
//
// Community result, per slot (a component, or one alternative group):
//   each member i is combined with the core by the ratio of the kind member i
//   is assessed on: (core × c + member_i × m) ÷ (c + m) (R-EVAL-2); the slot
//   is the mean over members (members grouped by kind, each group explained
//   as member-side mean then combination). A community without members takes
//   the core's contributions. Complete only when every school has every
//   applicable slot; school_assessment_points = total × the scheme's
//   school_assessment_share (R-EVAL-4). INTEGRATED mode: the same arithmetic,
//   and the community result stands for each of its schools.
//
// Ranking: complete results by reported total, highest first; equal totals
// share a rank (1, 1, 3) and the tie is stated in the explanation's last
// step; incomplete results have rank 0.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "assessment/domain/decimal.h"
#include "assessment/domain/evaluation_scheme.h"
#include "gongtong/assessment/v1/evaluation_result.pb.h"

namespace gongtong::assessment {

// The input that scores one component of one school (the review score or the
// self-assessment, per the component's score_basis).
struct ScoreInput {
  Decimal total;       // sum of its indicator scores (person-scored part)
  std::string source;  // "reviewScores/…" or "selfAssessments/…"
};

// How a school's self-assessment for a component stands (R-EVAL-3).
enum class SelfAssessmentFiling { kNotFiled, kOnTime, kLate };

// A computed indicator value with where it came from.
struct MetricValue {
  Decimal value;
  std::string source;  // e.g. "indicators/SYNC_SESSIONS_DELIVERED/schools/…/2024"
};

struct SchoolFacts {
  std::string school_code;
  std::set<av1::ComponentKind> declared;           // filed declarations' kinds
  std::map<std::string, ScoreInput> scores;        // component id → input
  std::map<std::string, SelfAssessmentFiling> self_assessments;  // component id →
  std::map<av1::ComputedMetric, MetricValue> metrics;  // absent = 0
};

struct CommunityFacts {
  std::string community_id;
  gongtong::registry::v1::CommunityType type = gongtong::registry::v1::COMMUNITY_TYPE_UNSPECIFIED;
  SchoolFacts core;
  std::vector<SchoolFacts> members;
};

struct CommunityEvaluation {
  av1::CommunityResult community;
  std::vector<av1::SchoolResult> schools;  // core first, then members in order
};

// Evaluates one community of `run_name` ("evaluationRuns/{id}") under
// `scheme`. FAILED_PRECONDITION "COMMUNITY_TYPE_NOT_EVALUATED" when the scheme
// has no rule for the community's type.
absl::StatusOr<CommunityEvaluation> EvaluateCommunity(const av1::EvaluationScheme& scheme,
                                                      const CommunityFacts& facts,
                                                      const std::string& run_name);

// Sets rank (and states ties) on every result; see the header comment.
void RankCommunities(std::vector<av1::CommunityResult*>& results);

// min(value ÷ target, 1) × max_score; a non-positive target scores max.
Decimal ComputedIndicatorScore(const Decimal& value, const Decimal& target,
                               const Decimal& max_score);

}  // namespace gongtong::assessment
