// Community evaluation rules (DOMAIN §6 R-EVAL-1 … R-EVAL-4, R-SYNC-5,
// R-ACT-1; issue 5 "Community evaluation"), one row per case: exact
// decimals, the built-in Yuhuan scheme, scheme validation, deadlines, the
// computation for all three community types with its explanation, ranking,
// indicators from events, the CSV export and access.
#include <gtest/gtest.h>

#include <functional>

#include "assessment/domain/decimal.h"
#include "assessment/domain/evaluation_access.h"
#include "assessment/domain/evaluation_activity_rules.h"
#include "assessment/domain/evaluation_compute.h"
#include "assessment/domain/evaluation_csv.h"
#include "assessment/domain/evaluation_indicators.h"
#include "assessment/domain/evaluation_scheme.h"
#include "assessment/domain/evaluation_submissions.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using gongtong::registry::v1::COMMUNITY_TYPE_CO_BUILT;
using gongtong::registry::v1::COMMUNITY_TYPE_COLLABORATIVE;
using gongtong::registry::v1::COMMUNITY_TYPE_FUSED;
using gongtong::registry::v1::COMMUNITY_TYPE_RESEARCH;
using gongtong::registry::v1::CommunityType;

google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// ---- exact decimals ---------------------------------------------------------

TEST(DecimalTest, ParseFollowsTheCanonicalGrammar) {
  struct Row {
    const char* text;
    bool ok;
    const char* shown;  // ToString when ok
  };
  const Row rows[] = {
      {"87.35", true, "87.35"},   {"0", true, "0"},          {"-3", true, "-3"},
      {"0.3", true, "0.3"},       {"26.20", true, "26.2"},   {"100", true, "100"},
      {"123456789012345678.123456789", true, "123456789012345678.123456789"},
      {"", false, ""},            {"-0", false, ""},         {"+1", false, ""},
      {"01", false, ""},          {"1.", false, ""},         {".5", false, ""},
      {"1e3", false, ""},         {"1,000", false, ""},      {" 1", false, ""},
      {"0.1234567891", false, ""},  // 10 fraction digits
      {"1234567890123456789", false, ""},  // 19 integer digits
  };
  for (const auto& r : rows) {
    Decimal d;
    EXPECT_EQ(Decimal::TryParse(r.text, &d), r.ok) << r.text;
    if (r.ok) {
      EXPECT_EQ(d.ToString(), r.shown) << r.text;
    }
    auto parsed = Decimal::Parse(r.text, "review_score.scores[0].score.value");
    EXPECT_EQ(parsed.ok(), r.ok) << r.text;
    if (!r.ok) {
      EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(ReasonOf(parsed.status()), "DECIMAL_INVALID");
    }
  }
}

TEST(DecimalTest, ArithmeticIsExact) {
  struct Row {
    const char* name;
    Decimal value;
    const char* expected;
  };
  const Row rows[] = {
      {"30 % of 87.35 (issue 5)", Dec("87.35") * Dec("30") / Dec("100"), "26.205"},
      {"0.1 + 0.2", Dec("0.1") + Dec("0.2"), "0.3"},
      {"1 ÷ 3 × 3", Dec("1") / Dec("3") * Dec("3"), "1"},
      {"7:3 of 36 and 30", (Dec("36") * Dec("7") + Dec("30") * Dec("3")) / Dec("10"), "34.2"},
      {"subtraction below zero", Dec("1.5") - Dec("2.25"), "-0.75"},
      {"negation", -Dec("4.5"), "-4.5"},
      {"mean of 26.205 and 24", (Dec("26.205") + Dec("24")) / Dec("2"), "25.1025"},
      {"one third shown to 9 places", Dec("1") / Dec("3"), "0.333333333"},
  };
  for (const auto& r : rows) EXPECT_EQ(r.value.ToString(), r.expected) << r.name;
  EXPECT_FALSE((Dec("1") / Dec("3")).IsExactAt(9));
  EXPECT_TRUE(Dec("26.205").IsExactAt(3));
  EXPECT_FALSE(Dec("26.205").IsExactAt(2));
}

TEST(DecimalTest, RoundingModes) {
  struct Row {
    const char* value;
    int scale;
    Rounding mode;
    const char* expected;
  };
  const Row rows[] = {
      {"26.205", 2, Rounding::kHalfUp, "26.21"},   // 四舍五入
      {"26.205", 2, Rounding::kHalfEven, "26.20"},
      {"26.215", 2, Rounding::kHalfEven, "26.22"},
      {"26.209", 2, Rounding::kDown, "26.20"},
      {"26.2049", 2, Rounding::kHalfUp, "26.20"},
      {"-26.205", 2, Rounding::kHalfUp, "-26.21"},  // half away from zero
      {"-26.205", 2, Rounding::kHalfEven, "-26.20"},
      {"-26.209", 2, Rounding::kDown, "-26.20"},
      {"0.5", 0, Rounding::kHalfUp, "1"},
      {"0.5", 0, Rounding::kHalfEven, "0"},
      {"1.5", 0, Rounding::kHalfEven, "2"},
      {"-0.004", 2, Rounding::kHalfUp, "0.00"},     // never "-0.00"
      {"30", 2, Rounding::kHalfUp, "30.00"},        // scale kept
      {"89.205", 2, Rounding::kHalfUp, "89.21"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(Dec(r.value).Format(r.scale, r.mode), r.expected) << r.value << " @" << r.scale;
  }
  EXPECT_EQ(Dec("1") / Dec("3"), (Dec("1") / Dec("3")).Round(9, Rounding::kHalfUp) +
                                     (Dec("1") / Dec("3") - Dec("0.333333333")));
}

TEST(DecimalTest, ComparesByValue) {
  EXPECT_EQ(Dec("1.50"), Dec("1.5"));
  EXPECT_LT(Dec("26.2"), Dec("26.205"));
  EXPECT_GT(Dec("-1"), Dec("-1.5"));
  EXPECT_EQ(Decimal::Fraction(3, 6), Dec("0.5"));
}

// ---- the built-in scheme: R-EVAL-1, R-EVAL-2 ---------------------------------

TEST(DefaultSchemeTest, ComponentsAreYuhuans) {
  const auto& s = DefaultScheme();
  EXPECT_EQ(s.name(), kDefaultSchemeName);
  EXPECT_EQ(s.state(), av1::SCHEME_STATE_PUBLISHED);
  struct Row {
    const char* rule;
    const char* id;
    av1::ComponentKind kind;
    const char* max;
    const char* share;
    const char* group;
    int month, day;
  };
  const Row rows[] = {
      {"R-EVAL-1 term 1 regular work 30 %", "regular_autumn", av1::COMPONENT_KIND_REGULAR_WORK, "100", "30", "", 11, 10},
      {"R-EVAL-1 term 2 regular work 30 %", "regular_spring", av1::COMPONENT_KIND_REGULAR_WORK, "100", "30", "", 6, 10},
      {"R-EVAL-1 project out of 40", "project", av1::COMPONENT_KIND_PROJECT, "40", "40", "year_end", 5, 30},
      {"R-EVAL-1 feature out of 40", "feature", av1::COMPONENT_KIND_FEATURE, "40", "40", "year_end", 5, 30},
  };
  for (const auto& r : rows) {
    const auto* c = FindComponent(s, r.id);
    ASSERT_NE(c, nullptr) << r.rule;
    EXPECT_EQ(c->kind(), r.kind) << r.rule;
    EXPECT_EQ(c->max_score().value(), r.max) << r.rule;
    EXPECT_EQ(c->share().value(), r.share) << r.rule;
    EXPECT_EQ(c->alternative_group(), r.group) << r.rule;
    EXPECT_EQ(c->self_assessment_deadline().month(), r.month) << r.rule;
    EXPECT_EQ(c->self_assessment_deadline().day(), r.day) << r.rule;
  }
  EXPECT_TRUE(ValidateScheme(s, "scheme").ok()) << ValidateScheme(s, "scheme");
}

TEST(DefaultSchemeTest, RatiosPerCommunityType) {
  struct Row {
    const char* rule;
    CommunityType type;
    av1::ComponentKind kind;
    const char* core;    // "" = excluded
    const char* member;
    av1::AssessmentMode mode;
  };
  const Row rows[] = {
      {"R-EVAL-2 fused regular 1:1", COMMUNITY_TYPE_FUSED, av1::COMPONENT_KIND_REGULAR_WORK, "1", "1", av1::ASSESSMENT_MODE_INTEGRATED},
      {"R-EVAL-2 fused project 7:3", COMMUNITY_TYPE_FUSED, av1::COMPONENT_KIND_PROJECT, "7", "3", av1::ASSESSMENT_MODE_INTEGRATED},
      {"R-EVAL-2 fused feature 3:7", COMMUNITY_TYPE_FUSED, av1::COMPONENT_KIND_FEATURE, "3", "7", av1::ASSESSMENT_MODE_INTEGRATED},
      {"R-EVAL-2 co-built regular 1:1", COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_REGULAR_WORK, "1", "1", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2 co-built project 7:3", COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_PROJECT, "7", "3", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2 co-built feature 3:7", COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE, "3", "7", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2 collaborative regular equal", COMMUNITY_TYPE_COLLABORATIVE, av1::COMPONENT_KIND_REGULAR_WORK, "1", "1", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2 collaborative project equal", COMMUNITY_TYPE_COLLABORATIVE, av1::COMPONENT_KIND_PROJECT, "1", "1", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2 collaborative no feature", COMMUNITY_TYPE_COLLABORATIVE, av1::COMPONENT_KIND_FEATURE, "", "", av1::ASSESSMENT_MODE_BUNDLED},
  };
  for (const auto& r : rows) {
    const auto* rule = RuleForType(DefaultScheme(), r.type);
    ASSERT_NE(rule, nullptr) << r.rule;
    EXPECT_EQ(rule->mode(), r.mode) << r.rule;
    const auto* ratio = RatioFor(*rule, r.kind);
    if (std::string(r.core).empty()) {
      EXPECT_TRUE(IsExcluded(*rule, r.kind)) << r.rule;
      EXPECT_EQ(ratio, nullptr) << r.rule;
      continue;
    }
    ASSERT_NE(ratio, nullptr) << r.rule;
    EXPECT_EQ(ratio->core().value(), r.core) << r.rule;
    EXPECT_EQ(ratio->member().value(), r.member) << r.rule;
  }
  EXPECT_EQ(RuleForType(DefaultScheme(), COMMUNITY_TYPE_RESEARCH), nullptr);
}

// ---- scheme validation -------------------------------------------------------

TEST(SchemeValidationTest, EachProblemNamesItsField) {
  using Edit = std::function<void(av1::EvaluationScheme&)>;
  struct Row {
    const char* name;
    Edit edit;
    const char* field;
  };
  const Row rows[] = {
      {"weights do not sum to 100 % (95)",
       [](auto& s) { s.mutable_components(0)->mutable_share()->set_value("25"); },
       "scheme.components"},
      {"weights do not sum to 100 % (101.5)",
       [](auto& s) { s.mutable_components(1)->mutable_share()->set_value("31.5"); },
       "scheme.components"},
      {"duplicate component id",
       [](auto& s) { s.mutable_components(1)->set_component_id("regular_autumn"); },
       "scheme.components[1].component_id"},
      {"component id malformed",
       [](auto& s) { s.mutable_components(0)->set_component_id("Regular-Autumn"); },
       "scheme.components[0].component_id"},
      {"alternatives with unequal shares",
       [](auto& s) { s.mutable_components(3)->mutable_share()->set_value("30"); },
       "scheme.components[3].share"},
      {"kind missing",
       [](auto& s) { s.mutable_components(2)->set_kind(av1::COMPONENT_KIND_UNSPECIFIED); },
       "scheme.components[2].kind"},
      {"regular work without a term",
       [](auto& s) { s.mutable_components(0)->set_term(gongtong::common::v1::TERM_KIND_UNSPECIFIED); },
       "scheme.components[0].term"},
      {"max score zero",
       [](auto& s) { s.mutable_components(0)->mutable_max_score()->set_value("0"); },
       "scheme.components[0].max_score"},
      {"share not a decimal",
       [](auto& s) { s.mutable_components(0)->mutable_share()->set_value("30%"); },
       "scheme.components[0].share"},
      {"share with 7 fraction digits",
       [](auto& s) { s.mutable_components(0)->mutable_share()->set_value("30.0000001"); },
       "scheme.components[0].share"},
      {"deadline not a month/day",
       [](auto& s) { s.mutable_components(0)->mutable_self_assessment_deadline()->set_month(13); },
       "scheme.components[0].self_assessment_deadline"},
      {"indicators do not sum to max score",
       [](auto& s) {
         auto* i = s.mutable_components(0)->add_indicators();
         i->set_indicator_id("sync");
         i->mutable_max_score()->set_value("60");
       },
       "scheme.components[0].indicators"},
      {"duplicate indicator id",
       [](auto& s) {
         for (int k = 0; k < 2; ++k) {
           auto* i = s.mutable_components(0)->add_indicators();
           i->set_indicator_id("sync");
           i->mutable_max_score()->set_value("50");
         }
       },
       "scheme.components[0].indicators[1].indicator_id"},
      {"computed indicator without target",
       [](auto& s) {
         auto* i = s.mutable_components(0)->add_indicators();
         i->set_indicator_id("sync");
         i->mutable_max_score()->set_value("100");
         i->set_metric(av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED);
       },
       "scheme.components[0].indicators[0].target"},
      {"two rules for one community type",
       [](auto& s) { s.mutable_type_rules(1)->set_community_type(COMMUNITY_TYPE_FUSED); },
       "scheme.type_rules[1].community_type"},
      {"ratio missing for a kind in use",
       [](auto& s) { s.mutable_type_rules(0)->mutable_ratios()->RemoveLast(); },
       "scheme.type_rules[0].ratios"},
      {"ratio summing to zero",
       [](auto& s) {
         s.mutable_type_rules(0)->mutable_ratios(0)->mutable_core()->set_value("0");
         s.mutable_type_rules(0)->mutable_ratios(0)->mutable_member()->set_value("0");
       },
       "scheme.type_rules[0].ratios[0]"},
      {"negative ratio",
       [](auto& s) { s.mutable_type_rules(0)->mutable_ratios(0)->mutable_core()->set_value("-1"); },
       "scheme.type_rules[0].ratios[0].core"},
      {"mode missing",
       [](auto& s) { s.mutable_type_rules(0)->set_mode(av1::ASSESSMENT_MODE_UNSPECIFIED); },
       "scheme.type_rules[0].mode"},
      {"rounding scale 7", [](auto& s) { s.mutable_rounding()->set_scale(7); },
       "scheme.rounding.scale"},
      {"school assessment share above 1",
       [](auto& s) { s.mutable_school_assessment_share()->set_value("1.5"); },
       "scheme.school_assessment_share"},
      {"no components", [](auto& s) { s.clear_components(); }, "scheme.components"},
      {"school year out of range", [](auto& s) { s.set_school_year(1999); }, "scheme.school_year"},
  };
  for (const auto& r : rows) {
    av1::EvaluationScheme s = DefaultScheme();
    r.edit(s);
    const auto violations = SchemeViolations(s, "scheme");
    bool found = false;
    for (const auto& v : violations) found = found || v.field == r.field;
    EXPECT_TRUE(found) << r.name << ": no violation of " << r.field;
    const absl::Status st = ValidateScheme(s, "scheme");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << r.name;
    EXPECT_EQ(ReasonOf(st), "SCHEME_INVALID") << r.name;
  }
}

TEST(SchemeValidationTest, AcceptsACountysOwnScheme) {
  // A county's variant: regular work 25 + 25, a project of 50 with indicators
  // including the computed R-SYNC-5 one, collaborative only.
  av1::EvaluationScheme s = DefaultScheme();
  s.set_region_code("331081");
  s.set_school_year(2024);
  s.mutable_components(0)->mutable_share()->set_value("25");
  s.mutable_components(1)->mutable_share()->set_value("25");
  for (int i : {2, 3}) {
    s.mutable_components(i)->mutable_share()->set_value("50");
    s.mutable_components(i)->mutable_max_score()->set_value("50");
  }
  auto* sync = s.mutable_components(0)->add_indicators();
  sync->set_indicator_id("sync_sessions");
  sync->mutable_max_score()->set_value("20");
  sync->set_metric(av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED);
  sync->mutable_target()->set_value("100");
  auto* rest = s.mutable_components(0)->add_indicators();
  rest->set_indicator_id("routine");
  rest->mutable_max_score()->set_value("80");
  EXPECT_TRUE(ValidateScheme(s, "scheme").ok()) << ValidateScheme(s, "scheme");
}

TEST(SchemeSelectionTest, MostSpecificPublishedSchemeWins) {
  auto make = [](const char* name, const char* region, int year, int version,
                 av1::SchemeState state) {
    av1::EvaluationScheme s = DefaultScheme();
    s.set_name(name);
    s.set_region_code(region);
    s.set_school_year(year);
    s.set_version(version);
    s.set_state(state);
    return s;
  };
  const std::vector<av1::EvaluationScheme> stored = {
      make("evaluationSchemes/zj", "33", 0, 1, av1::SCHEME_STATE_PUBLISHED),
      make("evaluationSchemes/yh-any", "331083", 0, 1, av1::SCHEME_STATE_PUBLISHED),
      make("evaluationSchemes/yh-2024-v1", "331083", 2024, 1, av1::SCHEME_STATE_SUPERSEDED),
      make("evaluationSchemes/yh-2024-v2", "331083", 2024, 2, av1::SCHEME_STATE_PUBLISHED),
      make("evaluationSchemes/yh-2024-v3", "331083", 2024, 3, av1::SCHEME_STATE_DRAFT),
  };
  struct Row {
    const char* region;
    int year;
    const char* expected;
  };
  const Row rows[] = {
      {"331083", 2024, "evaluationSchemes/yh-2024-v2"},  // exact year, newest published
      {"331083", 2025, "evaluationSchemes/yh-any"},      // any year of the county
      {"331024", 2024, "evaluationSchemes/zj"},          // the province's
      {"110101", 2024, kDefaultSchemeName},              // nothing stored: Yuhuan's default
  };
  for (const auto& r : rows) {
    EXPECT_EQ(SelectScheme(stored, r.region, r.year)->name(), r.expected) << r.region << " " << r.year;
  }
}

// ---- R-EVAL-3 deadlines and inputs --------------------------------------------

TEST(DeadlineTest, SelfAssessmentDeadlinesFallInTheSchoolYear) {
  struct Row {
    const char* rule;
    const char* component;
    int year, month, day;
  };
  const Row rows[] = {
      {"R-EVAL-3 term 1 by 10 Nov", "regular_autumn", 2024, 11, 10},
      {"R-EVAL-3 term 2 by 10 Jun", "regular_spring", 2025, 6, 10},
      {"R-EVAL-3 project by 30 May", "project", 2025, 5, 30},
      {"R-EVAL-3 feature by 30 May", "feature", 2025, 5, 30},
  };
  for (const auto& r : rows) {
    const auto* c = FindComponent(DefaultScheme(), r.component);
    const auto d = DeadlineIn(c->self_assessment_deadline(), 2024);
    EXPECT_EQ(d.year(), r.year) << r.rule;
    EXPECT_EQ(d.month(), r.month) << r.rule;
    EXPECT_EQ(d.day(), r.day) << r.rule;
  }
}

TEST(DeadlineTest, LateIsStrictlyAfterTheDeadline) {
  struct Row {
    const char* rule;
    google::type::Date filed;
    bool late;
  };
  const auto deadline = Day(2024, 11, 10);
  const Row rows[] = {
      {"R-EVAL-3 well before", Day(2024, 10, 1), false},
      {"R-EVAL-3 on the deadline day", Day(2024, 11, 10), false},
      {"R-EVAL-3 the day after: late but accepted", Day(2024, 11, 11), true},
      {"R-EVAL-3 next year", Day(2025, 1, 2), true},
  };
  for (const auto& r : rows) EXPECT_EQ(IsLate(r.filed, deadline), r.late) << r.rule;
}

TEST(InputTest, AComponentTheSchemeDoesNotHaveIsRefused) {
  auto ok = ComponentForInput(DefaultScheme(), "regular_autumn", "self_assessment.component_id");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->component_id(), "regular_autumn");
  auto bad = ComponentForInput(DefaultScheme(), "sports_day", "self_assessment.component_id");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(bad.status()), "COMPONENT_NOT_IN_SCHEME");
  EXPECT_NE(std::string(bad.status().message()).find("regular_autumn"), std::string::npos);
}

TEST(InputTest, ScoresAreCheckedAgainstTheComponent) {
  // A component with a person-scored indicator (80) and a computed one (20).
  av1::SchemeComponent c = *FindComponent(DefaultScheme(), "regular_autumn");
  auto* routine = c.add_indicators();
  routine->set_indicator_id("routine");
  routine->mutable_max_score()->set_value("80");
  auto* sync = c.add_indicators();
  sync->set_indicator_id("sync");
  sync->mutable_max_score()->set_value("20");
  sync->set_metric(av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED);
  struct Row {
    const char* name;
    std::vector<std::pair<const char*, const char*>> scores;
    bool complete;
    absl::StatusCode code;
    const char* total_or_field;
  };
  const Row rows[] = {
      {"scored", {{"routine", "72.5"}}, true, absl::StatusCode::kOk, "72.5"},
      {"boundary: exactly the max", {{"routine", "80"}}, true, absl::StatusCode::kOk, "80"},
      {"boundary: zero", {{"routine", "0"}}, true, absl::StatusCode::kOk, "0"},
      {"above the max", {{"routine", "80.01"}}, false, absl::StatusCode::kInvalidArgument, "s[0].score"},
      {"negative", {{"routine", "-1"}}, false, absl::StatusCode::kInvalidArgument, "s[0].score"},
      {"not a decimal", {{"routine", "7O"}}, false, absl::StatusCode::kInvalidArgument, "s[0].score"},
      {"a computed indicator is not typed in", {{"sync", "20"}}, false, absl::StatusCode::kInvalidArgument, "s[0].indicator_id"},
      {"an unknown indicator", {{"sports", "5"}}, false, absl::StatusCode::kInvalidArgument, "s[0].indicator_id"},
      {"scored twice", {{"routine", "5"}, {"routine", "6"}}, false, absl::StatusCode::kInvalidArgument, "s[1].indicator_id"},
      {"draft may be partial", {}, false, absl::StatusCode::kOk, "0"},
      {"submission must be complete", {}, true, absl::StatusCode::kFailedPrecondition, "s"},
  };
  for (const auto& r : rows) {
    google::protobuf::RepeatedPtrField<av1::IndicatorScore> scores;
    for (const auto& [id, v] : r.scores) {
      auto* s = scores.Add();
      s->set_indicator_id(id);
      s->mutable_score()->set_value(v);
    }
    auto total = ScoreTotal(c, scores, "s", r.complete);
    EXPECT_EQ(total.status().code(), r.code) << r.name << ": " << total.status();
    if (total.ok()) {
      EXPECT_EQ(total->ToString(), r.total_or_field) << r.name;
    }
  }
}

// ---- computation ---------------------------------------------------------------

constexpr char kRun[] = "evaluationRuns/r1";

SchoolFacts School(const char* code, std::initializer_list<std::pair<const char*, const char*>> scores,
                   std::set<av1::ComponentKind> declared = {}) {
  SchoolFacts f;
  f.school_code = code;
  f.declared = std::move(declared);
  int n = 0;
  for (const auto& [component, score] : scores) {
    f.scores[component] = ScoreInput{Dec(score), "reviewScores/" + std::string(code) + "-" +
                                                     std::to_string(++n)};
    f.self_assessments[component] = SelfAssessmentFiling::kOnTime;
  }
  return f;
}

// Core 87.35 / 90 / project 36; member 80 / 85 and its year-end score 30.
CommunityFacts Pair(CommunityType type, av1::ComponentKind member_declares) {
  CommunityFacts c;
  c.community_id = "yh-1";
  c.type = type;
  c.core = School("3331000001", {{"regular_autumn", "87.35"}, {"regular_spring", "90"}, {"project", "36"}},
                  {av1::COMPONENT_KIND_PROJECT});
  const char* year_end = member_declares == av1::COMPONENT_KIND_FEATURE ? "feature" : "project";
  c.members.push_back(School("3331000002",
                             {{"regular_autumn", "80"}, {"regular_spring", "85"}, {year_end, "30"}},
                             {member_declares}));
  return c;
}

const av1::ComponentResult* ComponentOf(const av1::SchoolResult& r, const std::string& id) {
  for (const auto& c : r.components()) {
    if (c.component_id() == id) return &c;
  }
  return nullptr;
}

TEST(ComputeTest, SchoolResultExplainsItsArithmetic) {
  auto ev = EvaluateCommunity(DefaultScheme(), Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE), kRun);
  ASSERT_TRUE(ev.ok()) << ev.status();
  const auto& core = ev->schools[0];
  EXPECT_EQ(core.name(), "evaluationRuns/r1/schoolResults/3331000001");
  EXPECT_TRUE(core.core());
  // R-EVAL-1: 30 % of 87.35 is exactly 26.205, reported 26.21 (half up).
  const auto& step = core.explanation().steps(0);
  EXPECT_EQ(step.expression(), "87.35 × 30 ÷ 100");
  EXPECT_EQ(step.exact_result().value(), "26.205");
  EXPECT_EQ(step.result().value(), "26.21");
  ASSERT_EQ(step.operands_size(), 3);
  EXPECT_EQ(step.operands(0).source(), "reviewScores/3331000001-1");
  EXPECT_EQ(step.operands(1).source(), "evaluationSchemes/yuhuan-default#regular_autumn.share");
  EXPECT_EQ(ComponentOf(core, "regular_autumn")->contribution().value(), "26.21");
  EXPECT_EQ(ComponentOf(core, "project")->contribution().value(), "36.00");  // actual score of 40
  EXPECT_EQ(ComponentOf(core, "feature")->status(), av1::COMPONENT_STATUS_NOT_APPLICABLE);
  // FINAL_ONLY: 26.205 + 27 + 36 = 89.205 → 89.21.
  EXPECT_EQ(core.total().value(), "89.21");
  const auto& last = core.explanation().steps(core.explanation().steps_size() - 1);
  EXPECT_EQ(last.expression(), "26.205 + 27 + 36");
  EXPECT_EQ(last.exact_result().value(), "89.205");
  const auto& member = ev->schools[1];
  EXPECT_FALSE(member.core());
  EXPECT_EQ(ComponentOf(member, "project")->status(), av1::COMPONENT_STATUS_NOT_APPLICABLE);
  EXPECT_EQ(ComponentOf(member, "feature")->contribution().value(), "30.00");
  EXPECT_EQ(member.total().value(), "79.50");
}

TEST(ComputeTest, CommunityTotalsForAllThreeTypes) {
  struct Row {
    const char* rule;
    CommunityType type;
    av1::ComponentKind member_declares;
    const char* year_end_component;
    const char* year_end_contribution;
    const char* total;
    const char* school_points;
    av1::AssessmentMode mode;
  };
  // Regular: autumn (26.205 + 24) ÷ 2 = 25.1025, spring (27 + 25.5) ÷ 2 = 26.25.
  const Row rows[] = {
      {"R-EVAL-2 co-built, member's feature 3:7: (36×3 + 30×7) ÷ 10 = 31.8", COMMUNITY_TYPE_CO_BUILT,
       av1::COMPONENT_KIND_FEATURE, "feature", "31.80", "83.15", "16.63", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2 co-built, project 7:3: (36×7 + 30×3) ÷ 10 = 34.2", COMMUNITY_TYPE_CO_BUILT,
       av1::COMPONENT_KIND_PROJECT, "project", "34.20", "85.55", "17.11", av1::ASSESSMENT_MODE_BUNDLED},
      {"R-EVAL-2/R-EVAL-4 fused, integrated, feature 3:7", COMMUNITY_TYPE_FUSED,
       av1::COMPONENT_KIND_FEATURE, "feature", "31.80", "83.15", "16.63", av1::ASSESSMENT_MODE_INTEGRATED},
      {"R-EVAL-2 fused, project 7:3", COMMUNITY_TYPE_FUSED, av1::COMPONENT_KIND_PROJECT, "project",
       "34.20", "85.55", "17.11", av1::ASSESSMENT_MODE_INTEGRATED},
      {"R-EVAL-2 collaborative, project equal: (36 + 30) ÷ 2 = 33", COMMUNITY_TYPE_COLLABORATIVE,
       av1::COMPONENT_KIND_PROJECT, "project", "33.00", "84.35", "16.87", av1::ASSESSMENT_MODE_BUNDLED},
  };
  for (const auto& r : rows) {
    auto ev = EvaluateCommunity(DefaultScheme(), Pair(r.type, r.member_declares), kRun);
    ASSERT_TRUE(ev.ok()) << r.rule << ev.status();
    const auto& c = ev->community;
    EXPECT_EQ(c.mode(), r.mode) << r.rule;
    EXPECT_TRUE(c.complete()) << r.rule;
    ASSERT_EQ(c.components_size(), 3) << r.rule;
    EXPECT_EQ(c.components(0).contribution().value(), "25.10") << r.rule;
    EXPECT_EQ(c.components(1).contribution().value(), "26.25") << r.rule;
    EXPECT_EQ(c.components(2).component_id(), r.year_end_component) << r.rule;
    EXPECT_EQ(c.components(2).contribution().value(), r.year_end_contribution) << r.rule;
    EXPECT_EQ(c.total().value(), r.total) << r.rule;
    EXPECT_EQ(c.school_assessment_points().value(), r.school_points) << r.rule;
    EXPECT_EQ(c.school_results_size(), 2) << r.rule;
  }
}

TEST(ComputeTest, CollaborativeHasNoFeatureComponent) {
  // R-EVAL-2: a collaborative member that declared a feature is still
  // assessed on the project; its feature is not applicable.
  auto facts = Pair(COMMUNITY_TYPE_COLLABORATIVE, av1::COMPONENT_KIND_PROJECT);
  facts.members[0].declared = {av1::COMPONENT_KIND_FEATURE};
  auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
  ASSERT_TRUE(ev.ok());
  const auto& member = ev->schools[1];
  EXPECT_EQ(ComponentOf(member, "feature")->status(), av1::COMPONENT_STATUS_NOT_APPLICABLE);
  EXPECT_EQ(ComponentOf(member, "project")->status(), av1::COMPONENT_STATUS_SCORED);
  EXPECT_EQ(ev->community.total().value(), "84.35");
}

TEST(ComputeTest, MissingLateAndUnfiledInputsAreVisible) {
  struct Row {
    const char* rule;
    std::function<void(CommunityFacts&)> edit;
    const char* component;  // of the member
    av1::ComponentStatus status;
    bool complete;
  };
  const Row rows[] = {
      {"R-EVAL-3 missing review: never a silent zero",
       [](auto& f) { f.members[0].scores.erase("regular_spring"); }, "regular_spring",
       av1::COMPONENT_STATUS_MISSING, false},
      {"R-EVAL-3 late self-assessment: scored, flagged",
       [](auto& f) { f.members[0].self_assessments["regular_autumn"] = SelfAssessmentFiling::kLate; },
       "regular_autumn", av1::COMPONENT_STATUS_SCORED_LATE, true},
      {"R-EVAL-3 self-assessment never filed: scored, stated in the note",
       [](auto& f) { f.members[0].self_assessments.erase("regular_autumn"); }, "regular_autumn",
       av1::COMPONENT_STATUS_SCORED, true},
      {"R-EVAL-3 no declaration chooses project or feature",
       [](auto& f) {
         f.core.declared.clear();
         f.members[0].declared.clear();
       },
       "project", av1::COMPONENT_STATUS_MISSING, false},
  };
  for (const auto& r : rows) {
    auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE);
    r.edit(facts);
    auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
    ASSERT_TRUE(ev.ok()) << r.rule;
    const auto& member = ev->schools[1];
    const auto* c = ComponentOf(member, r.component);
    ASSERT_NE(c, nullptr) << r.rule;
    EXPECT_EQ(c->status(), r.status) << r.rule;
    EXPECT_EQ(ev->community.complete(), r.complete) << r.rule;
    if (r.status == av1::COMPONENT_STATUS_MISSING) {
      EXPECT_TRUE(c->score().value().empty()) << r.rule;
      EXPECT_TRUE(member.total().value().empty()) << r.rule;
      EXPECT_FALSE(member.partial_total().value().empty()) << r.rule;
      EXPECT_TRUE(ev->community.total().value().empty()) << r.rule;
      EXPECT_TRUE(ev->community.school_assessment_points().value().empty()) << r.rule;
    } else {
      EXPECT_FALSE(c->note().empty() && r.status == av1::COMPONENT_STATUS_SCORED_LATE) << r.rule;
      EXPECT_FALSE(member.total().value().empty()) << r.rule;
    }
  }
  // The missing spring score: partial total 24 + 30 = 54 is shown, not a total.
  auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE);
  facts.members[0].scores.erase("regular_spring");
  auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
  EXPECT_EQ(ev->schools[1].partial_total().value(), "54.00");
  EXPECT_EQ(ev->community.components(1).status(), av1::COMPONENT_STATUS_MISSING);
  EXPECT_NE(ev->community.components(1).note().find("3331000002"), std::string::npos);
}

TEST(ComputeTest, SeveralMembersAreAveragedOnTheMemberSide) {
  auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_PROJECT);
  facts.members.push_back(School("3331000003",
                                 {{"regular_autumn", "70"}, {"regular_spring", "75"}, {"project", "20"}},
                                 {av1::COMPONENT_KIND_PROJECT}));
  auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
  ASSERT_TRUE(ev.ok());
  const auto& c = ev->community;
  // Autumn members 24 and 21 → 22.5; (26.205 + 22.5) ÷ 2 = 24.3525.
  EXPECT_EQ(c.components(0).contribution().value(), "24.35");
  // Project members 30 and 20 → 25; (36×7 + 25×3) ÷ 10 = 32.7.
  EXPECT_EQ(c.components(2).contribution().value(), "32.70");
  EXPECT_EQ(c.school_results_size(), 3);
  bool mean_step = false;
  for (const auto& s : c.explanation().steps()) {
    mean_step = mean_step || s.expression() == "(24 + 21) ÷ 2";
  }
  EXPECT_TRUE(mean_step);
}

TEST(ComputeTest, MembersOnDifferentAlternativesUseTheirOwnRatio) {
  auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE);  // member 1: feature 30
  facts.members.push_back(School("3331000003",
                                 {{"regular_autumn", "80"}, {"regular_spring", "85"}, {"project", "30"}},
                                 {av1::COMPONENT_KIND_PROJECT}));
  auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
  ASSERT_TRUE(ev.ok());
  // Feature pair 31.8, project pair 34.2 → (31.8 + 34.2) ÷ 2 = 33.
  const auto& year_end = ev->community.components(2);
  EXPECT_EQ(year_end.component_id(), "year_end");
  EXPECT_EQ(year_end.contribution().value(), "33.00");
}

TEST(ComputeTest, RoundingFollowsTheScheme) {
  struct Row {
    const char* name;
    av1::RoundingMode mode;
    av1::RoundingPoint point;
    int scale;
    const char* core_total;
  };
  const Row rows[] = {
      {"half up, final only: 89.205 → 89.21", av1::ROUNDING_MODE_HALF_UP, av1::ROUNDING_POINT_FINAL_ONLY, 2, "89.21"},
      {"half even, final only: 89.205 → 89.20", av1::ROUNDING_MODE_HALF_EVEN, av1::ROUNDING_POINT_FINAL_ONLY, 2, "89.20"},
      {"down: 89.205 → 89.20", av1::ROUNDING_MODE_DOWN, av1::ROUNDING_POINT_FINAL_ONLY, 2, "89.20"},
      {"half up, each step: 26.21 + 27 + 36", av1::ROUNDING_MODE_HALF_UP, av1::ROUNDING_POINT_EACH_STEP, 2, "89.21"},
      {"half even, each step: 26.20 + 27 + 36", av1::ROUNDING_MODE_HALF_EVEN, av1::ROUNDING_POINT_EACH_STEP, 2, "89.20"},
      {"one place half up: 89.205 → 89.2", av1::ROUNDING_MODE_HALF_UP, av1::ROUNDING_POINT_FINAL_ONLY, 1, "89.2"},
      {"three places: exact 89.205", av1::ROUNDING_MODE_HALF_UP, av1::ROUNDING_POINT_FINAL_ONLY, 3, "89.205"},
  };
  for (const auto& r : rows) {
    av1::EvaluationScheme s = DefaultScheme();
    s.mutable_rounding()->set_mode(r.mode);
    s.mutable_rounding()->set_point(r.point);
    s.mutable_rounding()->set_scale(r.scale);
    auto ev = EvaluateCommunity(s, Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE), kRun);
    ASSERT_TRUE(ev.ok()) << r.name;
    EXPECT_EQ(ev->schools[0].total().value(), r.core_total) << r.name;
  }
  // Each step vs final only differ when rounded contributions add up
  // differently: 26.205 + 26.205 = 52.41 either way, but half even each step
  // gives 26.20 + 26.20 = 52.40.
  av1::EvaluationScheme s = DefaultScheme();
  s.mutable_rounding()->set_mode(av1::ROUNDING_MODE_HALF_EVEN);
  s.mutable_rounding()->set_point(av1::ROUNDING_POINT_EACH_STEP);
  auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE);
  facts.core.scores["regular_spring"].total = Dec("87.35");
  auto ev = EvaluateCommunity(s, facts, kRun);
  EXPECT_EQ(ev->schools[0].total().value(), "88.40");
  s.mutable_rounding()->set_point(av1::ROUNDING_POINT_FINAL_ONLY);
  ev = EvaluateCommunity(s, facts, kRun);
  EXPECT_EQ(ev->schools[0].total().value(), "88.41");
}

TEST(ComputeTest, ComputedIndicatorsComeFromCounts) {
  // R-SYNC-5: 20 of regular_autumn's 100 points are the synchronous sessions
  // delivered against the target of 100 a year.
  av1::EvaluationScheme s = DefaultScheme();
  auto* sync = s.mutable_components(0)->add_indicators();
  sync->set_indicator_id("sync_sessions");
  sync->set_title("同步课堂开展情况");
  sync->mutable_max_score()->set_value("20");
  sync->set_metric(av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED);
  sync->mutable_target()->set_value("100");
  auto* rest = s.mutable_components(0)->add_indicators();
  rest->set_indicator_id("routine");
  rest->mutable_max_score()->set_value("80");
  ASSERT_TRUE(ValidateScheme(s, "scheme").ok());
  struct Row {
    const char* rule;
    const char* sessions;  // "" = no events
    const char* autumn_score;
  };
  const Row rows[] = {
      {"R-SYNC-5 87 of 100: 17.4 of 20", "87", "87.4"},
      {"R-SYNC-5 exactly the target: full 20", "100", "90"},
      {"R-SYNC-5 above the target: capped at 20", "130", "90"},
      {"R-SYNC-5 a school's mean over two pairings 87.5", "87.5", "87.5"},
      {"R-SYNC-5 no events: a real zero, stated", "", "70"},
  };
  for (const auto& r : rows) {
    auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE);
    facts.core.scores["regular_autumn"].total = Dec("70");  // the routine part
    if (*r.sessions) {
      facts.core.metrics[av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED] =
          MetricValue{Dec(r.sessions), "indicators/sync/3331000001/2024"};
    }
    auto ev = EvaluateCommunity(s, facts, kRun);
    ASSERT_TRUE(ev.ok()) << r.rule;
    EXPECT_EQ(ComponentOf(ev->schools[0], "regular_autumn")->score().value(), r.autumn_score) << r.rule;
  }
  EXPECT_EQ(ComputedIndicatorScore(Dec("3"), Dec("4"), Dec("10")).ToString(), "7.5");  // R-ACT-1 3 of 4
}

TEST(ComputeTest, ATypeWithoutRuleIsRefused) {
  auto facts = Pair(COMMUNITY_TYPE_RESEARCH, av1::COMPONENT_KIND_PROJECT);
  auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(ev.status()), "COMMUNITY_TYPE_NOT_EVALUATED");
}

TEST(RankTest, TiesShareARankAndAreStated) {
  struct Row {
    const char* community;
    const char* total;  // "" = incomplete
    int rank;
  };
  const Row rows[] = {
      {"communities/a", "83.15", 2}, {"communities/b", "85.55", 1}, {"communities/c", "83.15", 2},
      {"communities/d", "80", 4},    {"communities/e", "", 0},
  };
  std::vector<av1::CommunityResult> results;
  for (const auto& r : rows) {
    av1::CommunityResult c;
    c.set_community(r.community);
    c.set_complete(*r.total != '\0');
    c.mutable_total()->set_value(r.total);
    results.push_back(c);
  }
  std::vector<av1::CommunityResult*> ptrs;
  for (auto& r : results) ptrs.push_back(&r);
  RankCommunities(ptrs);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].rank(), rows[i].rank) << rows[i].community;
  }
  const auto& tie = results[0].explanation().steps(0);
  EXPECT_NE(tie.description().find("tied with communities/c"), std::string::npos);
  EXPECT_EQ(tie.result().value(), "2");
  EXPECT_EQ(results[4].explanation().steps_size(), 0);
}

// ---- indicators from events ------------------------------------------------------

TEST(IndicatorTest, ReplayingTheStreamGivesTheSameTotals) {
  const IndicatorKey pairing{av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED,
                             "communities/yh-1/pairings/p1", 2024,
                             gongtong::common::v1::TERM_KIND_UNSPECIFIED};
  IndicatorLedger once, twice;
  for (int i = 0; i < 87; ++i) {
    EXPECT_TRUE(once.Count("evt-" + std::to_string(i), pairing, 1700000000 + i));
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 87; ++i) twice.Count("evt-" + std::to_string(i), pairing, 1700000000 + i);
  }
  EXPECT_FALSE(twice.Count("evt-3", pairing, 1700000003));
  EXPECT_EQ(once.Get(pairing).count, 87);
  EXPECT_EQ(twice.Get(pairing).count, 87);
  EXPECT_EQ(twice.Get(pairing).last_event_unix_seconds, 1700000086);
  EXPECT_EQ(once.tallies().size(), twice.tallies().size());
}

TEST(IndicatorTest, ValuesAgainstTargets) {
  struct Row {
    const char* rule;
    av1::ComputedMetric metric;
    gongtong::common::v1::TermKind term;
    const char* value;
    bool met;
  };
  const Row rows[] = {
      {"R-SYNC-5 99 sessions: below 100", av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED, gongtong::common::v1::TERM_KIND_UNSPECIFIED, "99", false},
      {"R-SYNC-5 100 sessions: met", av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED, gongtong::common::v1::TERM_KIND_UNSPECIFIED, "100", true},
      {"R-SYNC-5 mean 99.5 over pairings: below", av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED, gongtong::common::v1::TERM_KIND_UNSPECIFIED, "99.5", false},
      {"R-ACT-1 3 activities a term: below 4", av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD, gongtong::common::v1::TERM_KIND_AUTUMN, "3", false},
      {"R-ACT-1 4 activities a term: met", av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD, gongtong::common::v1::TERM_KIND_SPRING, "4", true},
  };
  for (const auto& r : rows) {
    const IndicatorKey key{r.metric, "communities/yh-1", 2024, r.term};
    const auto v = IndicatorValueOf(key, Dec(r.value), DefaultTarget(r.metric), 5, 1700000000);
    EXPECT_EQ(v.target_met(), r.met) << r.rule;
    EXPECT_EQ(v.value().value(), Dec(r.value).ToString()) << r.rule;
    EXPECT_EQ(v.period().term(), r.term) << r.rule;
    EXPECT_EQ(v.event_count(), 5) << r.rule;
  }
  EXPECT_EQ(MeanOfPairings({100, 75}).ToString(), "87.5");
  EXPECT_EQ(MeanOfPairings({100, 99}).ToString(), "99.5");
  EXPECT_EQ(MeanOfPairings({}).ToString(), "0");
}

// ---- CSV ------------------------------------------------------------------------

TEST(CsvTest, Rfc4180Quoting) {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"仙居县第一小学", "仙居县第一小学"}, {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""}, {"two\nlines", "\"two\nlines\""},
      {"cr\r", "\"cr\r\""},                {"", ""},
  };
  for (const auto& r : rows) EXPECT_EQ(CsvField(r.in), r.out) << r.in;
  EXPECT_EQ(CsvRow({"a", "b,c"}), "a,\"b,c\"\r\n");
}

TEST(CsvTest, ExportHasBomHeaderAndFlags) {
  auto facts = Pair(COMMUNITY_TYPE_CO_BUILT, av1::COMPONENT_KIND_FEATURE);
  facts.members[0].self_assessments["regular_autumn"] = SelfAssessmentFiling::kLate;
  facts.members[0].scores.erase("regular_spring");
  auto ev = EvaluateCommunity(DefaultScheme(), facts, kRun);
  ASSERT_TRUE(ev.ok());
  std::map<std::string, av1::SchoolResult> schools;
  for (const auto& s : ev->schools) schools[s.name()] = s;
  const std::string csv = ResultsCsv(DefaultScheme(), {ev->community}, schools);
  ASSERT_EQ(csv.rfind(kUtf8Bom, 0), 0u);
  const std::string header = CsvRow({"排名", "共同体", "学校", "角色", "类型", "考核方式", "第一学期常态化工作",
                                     "第二学期常态化工作", "项目评估", "特色发展评估", "总分", "已得分",
                                     "是否完整", "计入学校考核分"});
  EXPECT_EQ(csv.substr(3, header.size()), header);
  EXPECT_NE(csv.find("24.00（逾期）"), std::string::npos);
  EXPECT_NE(csv.find(",缺,"), std::string::npos);
  EXPECT_NE(csv.find("核心校"), std::string::npos);
  EXPECT_NE(csv.find("共建型"), std::string::npos);
  size_t lines = 0;
  for (size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2)) ++lines;
  EXPECT_EQ(lines, 4u);  // header, community, core, member
}

// ---- access ---------------------------------------------------------------------

auth::Principal As(auth::Role role, const char* region = "", const char* school = "") {
  auth::Principal p;
  p.role = role;
  p.region_prefix = region;
  p.school_code = school;
  return p;
}

TEST(AccessTest, CountiesRunTheirRegionSchoolsSeeTheirOwn) {
  using auth::Role;
  struct Row {
    const char* name;
    std::function<absl::Status()> check;
    bool allowed;
  };
  const Row rows[] = {
      {"county runs its region", [] { return MayRunEvaluation(As(Role::kCountyBureau, "331083"), "331083"); }, true},
      {"county cannot run another", [] { return MayRunEvaluation(As(Role::kCountyBureau, "331083"), "331024"); }, false},
      {"province runs any", [] { return MayRunEvaluation(As(Role::kProvinceAdmin), "331024"); }, true},
      {"school admin cannot run", [] { return MayRunEvaluation(As(Role::kSchoolAdmin, "", "3331000001"), "331083"); }, false},
      {"school reads its own finalised result", [] { return MayReadSchoolResult(As(Role::kSchoolAdmin, "", "3331000001"), "331083", "3331000001", true); }, true},
      {"school cannot read before finalisation", [] { return MayReadSchoolResult(As(Role::kSchoolAdmin, "", "3331000001"), "331083", "3331000001", false); }, false},
      {"school cannot read another school", [] { return MayReadSchoolResult(As(Role::kTeacher, "", "3331000001"), "331083", "3331000002", true); }, false},
      {"county reads its region's results", [] { return MayReadSchoolResult(As(Role::kCountyBureau, "3310"), "331083", "3331000002", false); }, true},
      {"school cannot export the county", [] { return MayReadRun(As(Role::kSchoolAdmin, "", "3331000001"), "331083"); }, false},
      {"school files its own self-assessment", [] { return MayFileForSchool(As(Role::kSchoolAdmin, "", "3331000001"), "3331000001", ""); }, true},
      {"core files the pair's project", [] { return MayFileForSchool(As(Role::kSchoolAdmin, "", "3331000001"), "3331000002", "3331000001"); }, true},
      {"nobody files for another unit", [] { return MayFileForSchool(As(Role::kSchoolAdmin, "", "3331000009"), "3331000002", "3331000001"); }, false},
      {"county bureau cannot file for a school", [] { return MayFileForSchool(As(Role::kCountyBureau, "331083"), "3331000002", ""); }, false},
      {"county enters review scores in region", [] { return MayWriteReview(As(Role::kCountyBureau, "331083"), "331083"); }, true},
      {"school cannot review itself", [] { return MayWriteReview(As(Role::kSchoolAdmin, "", "3331000001"), "331083"); }, false},
      {"county writes its scheme", [] { return MayWriteScheme(As(Role::kCountyBureau, "331083"), "331083"); }, true},
      {"county cannot write the province's scheme", [] { return MayWriteScheme(As(Role::kCountyBureau, "331083"), "33"); }, false},
      {"school lists its inputs", [] { return MayListInputs(As(Role::kSchoolAdmin, "", "3331000001")); }, true},
      {"county lists inputs", [] { return MayListInputs(As(Role::kCountyBureau, "331083")); }, true},
      {"township head lists no inputs", [] { return MayListInputs(As(Role::kTownshipHead, "331083101")); }, false},
      {"county reads its region's review score", [] { return MayReadReviewScore(As(Role::kCountyBureau, "331083"), "3331000001", "331083", false); }, true},
      {"county cannot read another's review score", [] { return MayReadReviewScore(As(Role::kCountyBureau, "331024"), "3331000001", "331083", true); }, false},
      {"school reads its review score once finalised", [] { return MayReadReviewScore(As(Role::kSchoolAdmin, "", "3331000001"), "3331000001", "331083", true); }, true},
      {"school cannot read its review score before", [] { return MayReadReviewScore(As(Role::kSchoolAdmin, "", "3331000001"), "3331000001", "331083", false); }, false},
      {"school cannot read another's review score", [] { return MayReadReviewScore(As(Role::kSchoolAdmin, "", "3331000009"), "3331000001", "331083", true); }, false},
      {"county lists its region's runs", [] { return RunListPrefix(As(Role::kCountyBureau, "331083")).status(); }, true},
      {"school lists no runs", [] { return RunListPrefix(As(Role::kSchoolAdmin, "", "3331000001")).status(); }, false},
  };
  for (const auto& r : rows) {
    const absl::Status st = r.check();
    EXPECT_EQ(st.ok(), r.allowed) << r.name << ": " << st;
    if (!r.allowed) {
      EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << r.name;
    }
  }
}

// ---- submission statuses and editable inputs (R-EVAL-3) -------------------------

TEST(SubmissionTest, RequiredFilingsFollowTheTypeAndTheDeclaration) {
  struct Row {
    const char* name;
    CommunityType type;
    bool core;
    av1::DeclarationKind declared;
    std::vector<std::string> expected;  // "decl" or the component ids, in order
  };
  const Row rows[] = {
      {"co-built core: project", COMMUNITY_TYPE_CO_BUILT, true, av1::DECLARATION_KIND_UNSPECIFIED,
       {"decl", "regular_autumn", "regular_spring", "project"}},
      {"co-built core declaring a feature still owes the project", COMMUNITY_TYPE_CO_BUILT, true,
       av1::DECLARATION_KIND_FEATURE, {"decl", "regular_autumn", "regular_spring", "project"}},
      {"co-built member with a feature", COMMUNITY_TYPE_CO_BUILT, false, av1::DECLARATION_KIND_FEATURE,
       {"decl", "regular_autumn", "regular_spring", "feature"}},
      {"fused member without declaration: project", COMMUNITY_TYPE_FUSED, false, av1::DECLARATION_KIND_UNSPECIFIED,
       {"decl", "regular_autumn", "regular_spring", "project"}},
      {"collaborative member: no feature even if declared", COMMUNITY_TYPE_COLLABORATIVE, false,
       av1::DECLARATION_KIND_FEATURE, {"decl", "regular_autumn", "regular_spring", "project"}},
      {"a type the scheme does not evaluate owes nothing", COMMUNITY_TYPE_RESEARCH, false,
       av1::DECLARATION_KIND_UNSPECIFIED, {}},
  };
  for (const auto& r : rows) {
    std::vector<std::string> got;
    for (const auto& f : RequiredFilings(DefaultScheme(), r.type, r.core, r.declared, 2024)) {
      got.push_back(f.kind == av1::FILING_KIND_DECLARATION ? "decl" : f.component_id);
    }
    EXPECT_EQ(got, r.expected) << r.name;
  }
  // Deadlines: the declaration by the earliest (10 Nov 2024), spring 10 Jun 2025.
  const auto filings = RequiredFilings(DefaultScheme(), COMMUNITY_TYPE_FUSED, true, av1::DECLARATION_KIND_PROJECT, 2024);
  ASSERT_EQ(filings.size(), 4u);
  ASSERT_TRUE(filings[0].deadline.has_value());
  EXPECT_EQ(filings[0].deadline->month(), 11);
  EXPECT_EQ(filings[2].deadline->year(), 2025);
  EXPECT_EQ(filings[2].deadline->month(), 6);
}

TEST(SubmissionTest, StatusIsFiledLateDraftMissingOrNotYetDue) {
  RequiredFiling due{av1::FILING_KIND_SELF_ASSESSMENT, "regular_autumn", Day(2024, 11, 10)};
  RequiredFiling undated{av1::FILING_KIND_SELF_ASSESSMENT, "x", std::nullopt};
  FiledInput draft{"selfAssessments/a", false, {}, av1::DECLARATION_KIND_UNSPECIFIED};
  FiledInput on_time{"selfAssessments/a", true, {}, av1::DECLARATION_KIND_UNSPECIFIED};
  FiledInput late = on_time;
  late.filing.set_late(true);
  struct Row {
    const char* name;
    const RequiredFiling* required;
    const FiledInput* input;
    google::type::Date today;
    av1::SubmissionStatus expected;
  };
  const Row rows[] = {
      {"filed on time", &due, &on_time, Day(2025, 1, 1), av1::SUBMISSION_STATUS_ON_TIME},
      {"filed late stays flagged", &due, &late, Day(2025, 1, 1), av1::SUBMISSION_STATUS_LATE},
      {"draft before the deadline", &due, &draft, Day(2024, 11, 1), av1::SUBMISSION_STATUS_DRAFT},
      {"draft on the deadline day", &due, &draft, Day(2024, 11, 10), av1::SUBMISSION_STATUS_DRAFT},
      {"draft the day after: missing", &due, &draft, Day(2024, 11, 11), av1::SUBMISSION_STATUS_MISSING},
      {"nothing after the deadline: missing", &due, nullptr, Day(2025, 3, 1), av1::SUBMISSION_STATUS_MISSING},
      {"nothing before it: not yet due", &due, nullptr, Day(2024, 9, 1), av1::SUBMISSION_STATUS_NOT_YET_DUE},
      {"no deadline: never missing", &undated, nullptr, Day(2099, 1, 1), av1::SUBMISSION_STATUS_NOT_YET_DUE},
  };
  for (const auto& r : rows) EXPECT_EQ(StatusOf(*r.required, r.input, r.today), r.expected) << r.name;
}

TEST(SubmissionTest, InputsChangeOnlyWhileEditable) {
  struct Row {
    const char* name;
    InputKind kind;
    bool deleted, filed, used;
    const char* reason;  // "" = editable
  };
  const Row rows[] = {
      {"draft declaration", InputKind::kDeclaration, false, false, false, ""},
      {"filed declaration", InputKind::kDeclaration, false, true, false, "ALREADY_FILED"},
      {"deleted declaration", InputKind::kDeclaration, true, false, false, "INPUT_DELETED"},
      {"submitted self-assessment", InputKind::kSelfAssessment, false, true, false, "ALREADY_FILED"},
      {"review score before a final run", InputKind::kReviewScore, false, false, false, ""},
      {"review score a finalised run used", InputKind::kReviewScore, false, false, true, "USED_BY_FINALISED_RUN"},
  };
  for (const auto& r : rows) {
    const absl::Status st = InputEditable(r.kind, r.deleted, r.filed, r.used);
    EXPECT_EQ(ReasonOf(st), r.reason) << r.name;
    if (!st.ok()) { EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << r.name; }
  }
}

// ---- R-ACT-1: which held activities count as concentrated activities -----------

TEST(JointActivityRuleTest, OnlyConcentratedResearchCountsAmongTheKinds) {
  namespace sv1 = gongtong::scheduling::v1;
  struct Row {
    sv1::ActivityKind kind;
    bool counts;
  };
  const Row rows[] = {
      {sv1::ACTIVITY_KIND_UNSPECIFIED, false},
      {sv1::ACTIVITY_KIND_CONCENTRATED_RESEARCH, true},  // 集中研修: the R-ACT-1 "concentrated activity"
      {sv1::ACTIVITY_KIND_LESSON_STUDY, false},          // R-ACT-1's own 2 a term
      {sv1::ACTIVITY_KIND_STUDY_TRIP, false},            // R-ACT-1's own ≥ 1 a term
      {sv1::ACTIVITY_KIND_SUMMER_INTENSIVE, false},      // R-ACT-1's own summer requirement
      {sv1::ACTIVITY_KIND_ROUTINE_INSPECTION, false},    // R-ACT-2
      {sv1::ACTIVITY_KIND_TEACHING_GUIDANCE, false},
      {sv1::ACTIVITY_KIND_RESEARCH_GUIDANCE, false},
      {sv1::ACTIVITY_KIND_TOPIC_GUIDANCE, false},
      {sv1::ACTIVITY_KIND_OPEN_LESSON, false},
      {sv1::ACTIVITY_KIND_LECTURE, false},
      {sv1::ACTIVITY_KIND_PARTY_JOINT_DAY, false},  // R-ACT-3
      {sv1::ACTIVITY_KIND_JOINT_MEETING, false},
      {sv1::ACTIVITY_KIND_PARTY_LECTURE, false},
      {sv1::ACTIVITY_KIND_JOINT_PARTY_LIFE, false},
      {sv1::ACTIVITY_KIND_LEADER_VISIT, false},
      {sv1::ACTIVITY_KIND_SECTION_VISIT, false},
      {sv1::ACTIVITY_KIND_STUDIO_SESSION, false},  // R-ACT-5
      {sv1::ACTIVITY_KIND_OTHER, false},
  };
  // Every kind the enum has is a row.
  EXPECT_EQ(std::size(rows), static_cast<size_t>(sv1::ActivityKind_descriptor()->value_count()));
  for (const auto& r : rows) {
    const std::string name = sv1::ActivityKind_Name(r.kind);
    EXPECT_EQ(IsConcentratedActivityKind(r.kind), r.counts) << name;
    sv1::Activity a;
    a.set_name("activities/a1");
    a.set_kind(r.kind);
    a.set_community("communities/yh-1");
    a.set_state(sv1::ACTIVITY_STATE_HELD);
    a.set_half_days(1);
    a.mutable_term()->set_school_year(2024);
    a.mutable_term()->set_term(gongtong::common::v1::TERM_KIND_AUTUMN);
    const ActivityCount c = JointActivityCountOf(a);
    EXPECT_EQ(c.verdict == ActivityVerdict::kCounts, r.counts) << name;
    if (!r.counts) { EXPECT_EQ(c.verdict, ActivityVerdict::kNotConcentrated) << name; }
  }
}

TEST(JointActivityRuleTest, EdgeCasesOfAHeldConcentratedActivity) {
  namespace sv1 = gongtong::scheduling::v1;
  using gongtong::common::v1::TERM_KIND_AUTUMN;
  using gongtong::common::v1::TERM_KIND_SPRING;
  using gongtong::common::v1::TERM_KIND_UNSPECIFIED;
  struct Row {
    const char* rule;
    std::function<void(sv1::Activity&)> change;
    ActivityVerdict verdict;
    int school_year;
    gongtong::common::v1::TermKind term;
  };
  const Row rows[] = {
      {"held, half a day, autumn 2024: counts", [](sv1::Activity&) {}, ActivityVerdict::kCounts, 2024,
       TERM_KIND_AUTUMN},
      {"spring term: counts in spring", [](sv1::Activity& a) { a.mutable_term()->set_term(TERM_KIND_SPRING); },
       ActivityVerdict::kCounts, 2024, TERM_KIND_SPRING},
      {"a whole day (2 half days) is still one activity", [](sv1::Activity& a) { a.set_half_days(2); },
       ActivityVerdict::kCounts, 2024, TERM_KIND_AUTUMN},
      {"half_days unset: counted by activity, not by length", [](sv1::Activity& a) { a.set_half_days(0); },
       ActivityVerdict::kCounts, 2024, TERM_KIND_AUTUMN},
      {"held online: counts", [](sv1::Activity& a) { a.set_online(true); }, ActivityVerdict::kCounts, 2024,
       TERM_KIND_AUTUMN},
      {"boundary school year 2000", [](sv1::Activity& a) { a.mutable_term()->set_school_year(2000); },
       ActivityVerdict::kCounts, 2000, TERM_KIND_AUTUMN},
      {"boundary school year 2100", [](sv1::Activity& a) { a.mutable_term()->set_school_year(2100); },
       ActivityVerdict::kCounts, 2100, TERM_KIND_AUTUMN},
      {"PLANNED: not held", [](sv1::Activity& a) { a.set_state(sv1::ACTIVITY_STATE_PLANNED); },
       ActivityVerdict::kNotHeld, 0, TERM_KIND_UNSPECIFIED},
      {"CANCELLED: not held", [](sv1::Activity& a) { a.set_state(sv1::ACTIVITY_STATE_CANCELLED); },
       ActivityVerdict::kNotHeld, 0, TERM_KIND_UNSPECIFIED},
      {"state unset: not held", [](sv1::Activity& a) { a.set_state(sv1::ACTIVITY_STATE_UNSPECIFIED); },
       ActivityVerdict::kNotHeld, 0, TERM_KIND_UNSPECIFIED},
      {"a Party joint-building relation's", [](sv1::Activity& a) { a.set_party_joint_building("partyJointBuildings/j1"); },
       ActivityVerdict::kNotCommunity, 0, TERM_KIND_UNSPECIFIED},
      {"a Party organisation's", [](sv1::Activity& a) { a.set_party_organization("partyOrganizations/o1"); },
       ActivityVerdict::kNotCommunity, 0, TERM_KIND_UNSPECIFIED},
      {"a secretary studio's", [](sv1::Activity& a) { a.set_secretary_studio("secretaryStudios/s1"); },
       ActivityVerdict::kNotCommunity, 0, TERM_KIND_UNSPECIFIED},
      {"no organizer", [](sv1::Activity& a) { a.clear_organizer(); }, ActivityVerdict::kNotCommunity, 0,
       TERM_KIND_UNSPECIFIED},
      {"community without id", [](sv1::Activity& a) { a.set_community("communities/"); },
       ActivityVerdict::kNotCommunity, 0, TERM_KIND_UNSPECIFIED},
      {"community not a community name", [](sv1::Activity& a) { a.set_community("schools/3331083011"); },
       ActivityVerdict::kNotCommunity, 0, TERM_KIND_UNSPECIFIED},
      {"community name with a sub-path", [](sv1::Activity& a) { a.set_community("communities/yh-1/pairings/p1"); },
       ActivityVerdict::kNotCommunity, 0, TERM_KIND_UNSPECIFIED},
      {"no term stamped", [](sv1::Activity& a) { a.clear_term(); }, ActivityVerdict::kNoTerm, 0,
       TERM_KIND_UNSPECIFIED},
      {"whole-year term", [](sv1::Activity& a) { a.mutable_term()->set_term(TERM_KIND_UNSPECIFIED); },
       ActivityVerdict::kNoTerm, 0, TERM_KIND_UNSPECIFIED},
      {"school year 1999", [](sv1::Activity& a) { a.mutable_term()->set_school_year(1999); },
       ActivityVerdict::kNoTerm, 0, TERM_KIND_UNSPECIFIED},
      {"school year 2101", [](sv1::Activity& a) { a.mutable_term()->set_school_year(2101); },
       ActivityVerdict::kNoTerm, 0, TERM_KIND_UNSPECIFIED},
      {"not held wins over wrong kind",
       [](sv1::Activity& a) {
         a.set_state(sv1::ACTIVITY_STATE_PLANNED);
         a.set_kind(sv1::ACTIVITY_KIND_LESSON_STUDY);
       },
       ActivityVerdict::kNotHeld, 0, TERM_KIND_UNSPECIFIED},
  };
  for (const auto& r : rows) {
    sv1::Activity a;
    a.set_name("activities/a1");
    a.set_kind(sv1::ACTIVITY_KIND_CONCENTRATED_RESEARCH);
    a.set_community("communities/yh-1");
    a.set_state(sv1::ACTIVITY_STATE_HELD);
    a.set_half_days(1);
    a.mutable_term()->set_school_year(2024);
    a.mutable_term()->set_term(TERM_KIND_AUTUMN);
    r.change(a);
    const ActivityCount c = JointActivityCountOf(a);
    EXPECT_EQ(c.verdict, r.verdict) << r.rule;
    if (r.verdict != ActivityVerdict::kCounts) continue;
    EXPECT_EQ(c.key.metric, av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD) << r.rule;
    EXPECT_EQ(c.key.subject, "communities/yh-1") << r.rule;
    EXPECT_EQ(c.key.school_year, r.school_year) << r.rule;
    EXPECT_EQ(c.key.term, r.term) << r.rule;
  }
}

}  // namespace
}  // namespace gongtong::assessment
