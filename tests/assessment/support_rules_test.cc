// The support-teaching rules (DOMAIN §4, R-SUP-1 … R-SUP-5), table-driven:
// one row per case of each rule, each row naming its rule id.
#include <gtest/gtest.h>

#include "assessment/domain/support_access.h"
#include "assessment/domain/support_certification.h"
#include "assessment/domain/support_signoff.h"
#include "assessment/domain/support_summary.h"
#include "assessment/domain/support_year.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using absl::StatusCode;
using gongtong::common::v1::TERM_KIND_AUTUMN;
using gongtong::common::v1::TERM_KIND_SPRING;
using gongtong::common::v1::TERM_KIND_UNSPECIFIED;

// ---- R-SUP-3: class hours ---------------------------------------------------
struct HoursRow {
  const char* rule;
  av1::ActivityRecordKind kind;
  int lessons, half_days;
  StatusCode code;
  CentiHours hours;    // when OK
  const char* reason;  // when not OK
};

TEST(SupportRules, ClassHours) {
  const HoursRow rows[] = {
      {"R-SUP-3 taught 1 lesson = 1 h", av1::ACTIVITY_RECORD_KIND_TAUGHT, 1, 0, StatusCode::kOk, 100, ""},
      {"R-SUP-3 taught 2 lessons = 2 h", av1::ACTIVITY_RECORD_KIND_TAUGHT, 2, 0, StatusCode::kOk, 200, ""},
      {"R-SUP-3 observed 1 lesson = 1 h", av1::ACTIVITY_RECORD_KIND_OBSERVED, 1, 0, StatusCode::kOk, 100, ""},
      {"R-SUP-3 lesson talk 3 = 3 h", av1::ACTIVITY_RECORD_KIND_LESSON_TALK, 3, 0, StatusCode::kOk, 300, ""},
      {"R-SUP-3 research 1 half day = 3 h", av1::ACTIVITY_RECORD_KIND_RESEARCH, 0, 1, StatusCode::kOk, 300, ""},
      {"R-SUP-3 research 2 half days = 6 h", av1::ACTIVITY_RECORD_KIND_RESEARCH, 0, 2, StatusCode::kOk, 600, ""},
      {"R-SUP-3 research given in lessons refused", av1::ACTIVITY_RECORD_KIND_RESEARCH, 2, 0,
       StatusCode::kInvalidArgument, 0, "RESEARCH_IN_LESSONS"},
      {"R-SUP-3 research with lessons and half days refused", av1::ACTIVITY_RECORD_KIND_RESEARCH, 1, 1,
       StatusCode::kInvalidArgument, 0, "RESEARCH_IN_LESSONS"},
      {"R-SUP-3 research without half days", av1::ACTIVITY_RECORD_KIND_RESEARCH, 0, 0, StatusCode::kInvalidArgument, 0,
       "ACTIVITY_QUANTITY_INVALID"},
      {"R-SUP-3 lesson given in half days", av1::ACTIVITY_RECORD_KIND_TAUGHT, 0, 1, StatusCode::kInvalidArgument, 0,
       "ACTIVITY_QUANTITY_INVALID"},
      {"R-SUP-3 zero lessons", av1::ACTIVITY_RECORD_KIND_OBSERVED, 0, 0, StatusCode::kInvalidArgument, 0,
       "ACTIVITY_QUANTITY_INVALID"},
      {"R-SUP-3 eleven lessons", av1::ACTIVITY_RECORD_KIND_TAUGHT, 11, 0, StatusCode::kInvalidArgument, 0,
       "ACTIVITY_QUANTITY_INVALID"},
      {"R-SUP-3 kind missing", av1::ACTIVITY_RECORD_KIND_UNSPECIFIED, 1, 0, StatusCode::kInvalidArgument, 0,
       "ACTIVITY_KIND_INVALID"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    auto got = ClassHoursOf(r.kind, r.lessons, r.half_days, CountingFactors{}, "activity_record");
    ASSERT_EQ(got.status().code(), r.code) << got.status();
    if (got.ok()) {
      EXPECT_EQ(*got, r.hours);
    } else {
      EXPECT_EQ(ReasonOf(got.status()), r.reason);
    }
  }
}

TEST(SupportRules, ClassHoursWithCountyFactors) {
  // R-SUP-3 factors are data (SupportRules): 1.5 per lesson, 2.5 per half day.
  CountingFactors f{150, 250};
  EXPECT_EQ(*ClassHoursOf(av1::ACTIVITY_RECORD_KIND_TAUGHT, 3, 0, f, "r"), 450);
  EXPECT_EQ(*ClassHoursOf(av1::ACTIVITY_RECORD_KIND_RESEARCH, 0, 3, f, "r"), 750);
}

TEST(SupportRules, ExactDecimals) {
  struct Row {
    const char* text;
    bool ok;
    CentiHours value;
    const char* canonical;
  };
  const Row rows[] = {{"1", true, 100, "1"},      {"79.5", true, 7950, "79.5"}, {"80", true, 8000, "80"},
                      {"0.25", true, 25, "0.25"}, {"0.05", true, 5, "0.05"},    {"1.50", true, 150, "1.5"},
                      {"1.234", false, 0, ""},    {"-1", false, 0, ""},         {"01", false, 0, ""},
                      {"1e3", false, 0, ""},      {"", false, 0, ""},           {"1.", false, 0, ""}};
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto got = ParseCentiHours(r.text, "x");
    ASSERT_EQ(got.ok(), r.ok);
    if (r.ok) {
      EXPECT_EQ(*got, r.value);
      EXPECT_EQ(FormatCentiHours(*got), r.canonical);
    }
  }
}

// ---- R-SUP-2 / R-SUP-4: terms, dates, teaching order ------------------------
TEST(SupportRules, TermOfDate) {
  struct Row {
    const char* rule;
    LocalDate date;
    gongtong::common::v1::TermKind term;
  };
  const Row rows[] = {
      {"R-SUP-2 first day of the year is autumn", {2024, 9, 1}, TERM_KIND_AUTUMN},
      {"R-SUP-2 last day of January is autumn", {2025, 1, 31}, TERM_KIND_AUTUMN},
      {"R-SUP-2 first of February is spring", {2025, 2, 1}, TERM_KIND_SPRING},
      {"R-SUP-2 last day of the year is spring", {2025, 8, 31}, TERM_KIND_SPRING},
      {"R-SUP-2 day before the year", {2024, 8, 31}, TERM_KIND_UNSPECIFIED},
      {"R-SUP-2 day after the year", {2025, 9, 1}, TERM_KIND_UNSPECIFIED},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    EXPECT_EQ(TermOf(2024, r.date), r.term);
  }
}

TEST(SupportRules, ActivityDateInsideAssignment) {
  AssignmentSpan year{2024, std::nullopt, std::nullopt};
  AssignmentSpan narrowed{2024, LocalDate{2024, 10, 1}, LocalDate{2025, 6, 30}};
  struct Row {
    const char* rule;
    const AssignmentSpan* span;
    LocalDate date;
    StatusCode code;
  };
  const Row rows[] = {
      {"R-SUP-2 inside the year", &year, {2024, 11, 5}, StatusCode::kOk},
      {"R-SUP-2 first day of the year", &year, {2024, 9, 1}, StatusCode::kOk},
      {"R-SUP-2 before the year", &year, {2024, 8, 31}, StatusCode::kFailedPrecondition},
      {"R-SUP-2 next year", &year, {2025, 9, 2}, StatusCode::kFailedPrecondition},
      {"R-SUP-2 before the period", &narrowed, {2024, 9, 30}, StatusCode::kFailedPrecondition},
      {"R-SUP-2 last day of the period", &narrowed, {2025, 6, 30}, StatusCode::kOk},
      {"R-SUP-2 after the period", &narrowed, {2025, 7, 1}, StatusCode::kFailedPrecondition},
      {"R-SUP-2 not a date", &year, {2025, 2, 30}, StatusCode::kInvalidArgument},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    auto s = CheckActivityDate(*r.span, r.date, "activity_record.date");
    EXPECT_EQ(s.code(), r.code) << s;
    if (r.code == StatusCode::kFailedPrecondition) {
      EXPECT_EQ(ReasonOf(s), "ACTIVITY_OUTSIDE_ASSIGNMENT");
    }
  }
  EXPECT_EQ(CheckAssignmentPeriod({2024, LocalDate{2025, 3, 1}, LocalDate{2025, 2, 1}}, "a").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAssignmentPeriod({2024, LocalDate{2024, 8, 1}, std::nullopt}, "a").code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckAssignmentPeriod(narrowed, "a").ok());
}

TEST(SupportRules, TeachingOrderAndTotals) {
  // R-SUP-4: archived in teaching order — date, then start time, then creation.
  std::vector<RecordLine> lines = {
      {"c", {2024, 9, 3}, 600, 3, av1::ACTIVITY_RECORD_KIND_TAUGHT, 2, 200, "schools/a", "plan", true},
      {"a", {2024, 9, 2}, -1, 5, av1::ACTIVITY_RECORD_KIND_RESEARCH, 1, 300, "schools/a", "rec", true},
      {"b", {2024, 9, 3}, 480, 4, av1::ACTIVITY_RECORD_KIND_OBSERVED, 1, 100, "schools/a", "", true},
      {"d", {2024, 9, 3}, 600, 9, av1::ACTIVITY_RECORD_KIND_LESSON_TALK, 1, 100, "schools/b", "", false},
  };
  SortInTeachingOrder(lines);
  std::string order;
  for (const auto& l : lines) order += l.record_id;
  EXPECT_EQ(order, "abcd");
  Totals t = Sum(lines);
  EXPECT_EQ(t.lessons_taught, 2);
  EXPECT_EQ(t.lessons_observed, 1);
  EXPECT_EQ(t.lesson_talks, 1);
  EXPECT_EQ(t.research_half_days, 1);
  EXPECT_EQ(t.hours, 700);
  // Manual records need evidence before confirmation; event-sourced ones do not.
  EXPECT_EQ(RecordsMissingEvidence(lines), std::vector<std::string>{"b"});
}

// ---- R-SUP-1: quota N+2 -----------------------------------------------------
TEST(SupportRules, Quota) {
  struct Row {
    const char* rule;
    std::optional<int> places;
    int extra, used;
    StatusCode code;
    const char* reason;
  };
  const Row rows[] = {
      {"R-SUP-1 N=3: first assignment", 3, 2, 0, StatusCode::kOk, ""},
      {"R-SUP-1 N=3: the fifth (= N+2) is allowed", 3, 2, 4, StatusCode::kOk, ""},
      {"R-SUP-1 N=3: the sixth is over the cap", 3, 2, 5, StatusCode::kResourceExhausted, "SUPPORT_QUOTA_EXHAUSTED"},
      {"R-SUP-1 N=0 still allows 2", 0, 2, 1, StatusCode::kOk, ""},
      {"R-SUP-1 N=0: the third is over", 0, 2, 2, StatusCode::kResourceExhausted, "SUPPORT_QUOTA_EXHAUSTED"},
      {"R-SUP-1 quota not entered", std::nullopt, 2, 0, StatusCode::kFailedPrecondition, "QUOTA_NOT_SET"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    auto s = CheckQuota("schools/3133001234/supportQuotas/2024", r.places, r.extra, r.used);
    EXPECT_EQ(s.code(), r.code);
    EXPECT_EQ(ReasonOf(s), r.reason);
  }
  auto s = CheckQuota("schools/3133001234/supportQuotas/2024", 3, 2, 5);
  EXPECT_NE(s.message().find("cap N+2 = 3+2 = 5"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("already 5"), std::string::npos) << s.message();
}

// ---- R-SUP-4: sign-off state machine ----------------------------------------
auth::Principal Who(auth::Role role, std::string region = "", std::string school = "") {
  auth::Principal p;
  p.subject = "tester";
  p.role = role;
  p.region_prefix = std::move(region);
  p.school_code = std::move(school);
  return p;
}

TEST(SupportRules, SignOff) {
  const auto school_a = Who(auth::Role::kSchoolAdmin, "", "2133000001");
  const auto school_b = Who(auth::Role::kSchoolAdmin, "", "2133000002");
  const auto other_school = Who(auth::Role::kSchoolAdmin, "", "2133000009");
  const auto township = Who(auth::Role::kTownshipHead, "331024101");
  const auto other_county_township = Who(auth::Role::kTownshipHead, "331081101");
  const auto county = Who(auth::Role::kCountyBureau, "331024");
  const auto other_county = Who(auth::Role::kCountyBureau, "331081");
  const auto province = Who(auth::Role::kProvinceAdmin);
  const auto teacher = Who(auth::Role::kTeacher, "", "2133000001");

  const std::set<std::string> receiving = {"schools/2133000001", "schools/2133000002"};
  SignoffContext one{{"schools/2133000001"}, receiving, {}, "331024", 3, 0};
  SignoffContext two{{"schools/2133000001", "schools/2133000002"}, receiving, {}, "331024", 3, 0};
  SignoffContext empty{{}, receiving, {}, "331024", 0, 0};
  SignoffContext no_evidence{{"schools/2133000001"}, receiving, {}, "331024", 3, 2};
  SignoffContext known_townships{{"schools/2133000001"}, receiving, {"331024101", "331024102"}, "331024", 3, 0};

  Signoff draft;
  Signoff confirmed{av1::SUMMARY_STATE_RECEIVING_CONFIRMED, {"schools/2133000001"}, {}, ""};
  Signoff signed_{av1::SUMMARY_STATE_TOWNSHIP_SIGNED, {"schools/2133000001"}, {"331024101"}, ""};
  Signoff received{av1::SUMMARY_STATE_COUNTY_RECEIVED, {"schools/2133000001"}, {"331024101"}, "331024"};

  struct Row {
    const char* rule;
    const Signoff* from;
    av1::SignatureStep step;
    const auth::Principal* who;
    const SignoffContext* ctx;
    StatusCode code;
    av1::SummaryState to;  // when OK
  };
  const auto RS = av1::SIGNATURE_STEP_RECEIVING_SCHOOL;
  const auto TH = av1::SIGNATURE_STEP_TOWNSHIP_HEAD;
  const auto CO = av1::SIGNATURE_STEP_COUNTY_OFFICE;
  const Row rows[] = {
      {"R-SUP-4 receiving school confirms", &draft, RS, &school_a, &one, StatusCode::kOk,
       av1::SUMMARY_STATE_RECEIVING_CONFIRMED},
      {"R-SUP-4 one of two receiving schools: still draft", &draft, RS, &school_a, &two, StatusCode::kOk,
       av1::SUMMARY_STATE_DRAFT},
      {"R-SUP-4 another school cannot confirm", &draft, RS, &other_school, &one, StatusCode::kPermissionDenied, {}},
      {"R-SUP-4 teacher cannot confirm", &draft, RS, &teacher, &one, StatusCode::kPermissionDenied, {}},
      {"R-SUP-4 province cannot confirm for a school", &draft, RS, &province, &one, StatusCode::kPermissionDenied, {}},
      {"R-SUP-4 empty term cannot be confirmed", &draft, RS, &school_a, &empty, StatusCode::kFailedPrecondition, {}},
      {"R-SUP-4 receiving school without records in the term",
       &draft,
       RS,
       &school_b,
       &one,
       StatusCode::kPermissionDenied,
       {}},
      {"R-SUP-4 evidence missing", &draft, RS, &school_a, &no_evidence, StatusCode::kFailedPrecondition, {}},
      {"R-SUP-4 confirm twice is out of order", &confirmed, RS, &school_a, &one, StatusCode::kFailedPrecondition, {}},
      {"R-SUP-4 township signs after confirmation", &confirmed, TH, &township, &one, StatusCode::kOk,
       av1::SUMMARY_STATE_TOWNSHIP_SIGNED},
      {"R-SUP-4 township signs before confirmation: out of order",
       &draft,
       TH,
       &township,
       &one,
       StatusCode::kFailedPrecondition,
       {}},
      {"R-SUP-4 township of another county",
       &confirmed,
       TH,
       &other_county_township,
       &one,
       StatusCode::kPermissionDenied,
       {}},
      {"R-SUP-4 school admin cannot sign as township",
       &confirmed,
       TH,
       &school_a,
       &one,
       StatusCode::kPermissionDenied,
       {}},
      {"R-SUP-4 one of two known townships: still confirmed", &confirmed, TH, &township, &known_townships,
       StatusCode::kOk, av1::SUMMARY_STATE_RECEIVING_CONFIRMED},
      {"R-SUP-4 county receives after township", &signed_, CO, &county, &one, StatusCode::kOk,
       av1::SUMMARY_STATE_COUNTY_RECEIVED},
      {"R-SUP-4 county receives before township: out of order",
       &confirmed,
       CO,
       &county,
       &one,
       StatusCode::kFailedPrecondition,
       {}},
      {"R-SUP-4 other county cannot receive", &signed_, CO, &other_county, &one, StatusCode::kPermissionDenied, {}},
      {"R-SUP-4 township head cannot receive", &signed_, CO, &township, &one, StatusCode::kPermissionDenied, {}},
      {"R-SUP-4 received is locked", &received, CO, &county, &one, StatusCode::kFailedPrecondition, {}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    std::string unit;
    auto got = ApplySignature(*r.from, r.step, *r.who, *r.ctx, &unit);
    ASSERT_EQ(got.status().code(), r.code) << got.status();
    if (got.ok()) {
      EXPECT_EQ(got->state, r.to);
      EXPECT_FALSE(unit.empty());
    }
  }
  // Wrong role and out of order name the reason.
  std::string unit;
  EXPECT_EQ(ReasonOf(ApplySignature(draft, TH, township, one, &unit).status()), "SIGNOFF_OUT_OF_ORDER");
  EXPECT_EQ(ReasonOf(ApplySignature(draft, RS, teacher, one, &unit).status()), "NOT_SIGNER_FOR_UNIT");
}

TEST(SupportRules, ChangeVoidsSignatures) {
  // R-SUP-4: any change after a signature voids it; received terms are locked.
  Signoff confirmed{av1::SUMMARY_STATE_RECEIVING_CONFIRMED, {"schools/2133000001"}, {}, ""};
  Signoff partial{av1::SUMMARY_STATE_DRAFT, {"schools/2133000001"}, {}, ""};
  Signoff signed_{av1::SUMMARY_STATE_TOWNSHIP_SIGNED, {"schools/2133000001"}, {"331024101"}, ""};
  Signoff received{av1::SUMMARY_STATE_COUNTY_RECEIVED, {"schools/2133000001"}, {"331024101"}, "331024"};
  for (const Signoff* s : {&confirmed, &partial, &signed_}) {
    EXPECT_TRUE(HasSignatures(*s));
    auto v = VoidOnChange(*s);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->state, av1::SUMMARY_STATE_DRAFT);
    EXPECT_FALSE(HasSignatures(*v));
  }
  EXPECT_FALSE(HasSignatures(Signoff{}));
  EXPECT_EQ(ReasonOf(VoidOnChange(received).status()), "TERM_LOCKED");
}

TEST(SupportRules, TermCounts) {
  struct Row {
    const char* rule;
    av1::SummaryState state;
    bool require_receipt, counts;
  };
  const Row rows[] = {
      {"R-SUP-4 draft does not count", av1::SUMMARY_STATE_DRAFT, false, false},
      {"R-SUP-4 confirmed only does not count", av1::SUMMARY_STATE_RECEIVING_CONFIRMED, false, false},
      {"R-SUP-4 township signed counts", av1::SUMMARY_STATE_TOWNSHIP_SIGNED, false, true},
      {"R-SUP-4 received counts", av1::SUMMARY_STATE_COUNTY_RECEIVED, false, true},
      {"R-SUP-4 receipt required: signed does not count", av1::SUMMARY_STATE_TOWNSHIP_SIGNED, true, false},
      {"R-SUP-4 receipt required: received counts", av1::SUMMARY_STATE_COUNTY_RECEIVED, true, true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    EXPECT_EQ(TermCounts(r.state, r.require_receipt), r.counts);
  }
}

// ---- R-SUP-5: certification --------------------------------------------------
TEST(SupportRules, Certification) {
  struct Row {
    const char* rule;
    TermFigures autumn, spring;
    bool granted;
    const char* failing;  // rule ids of unmet checks with scope, joined
  };
  const Row rows[] = {
      {"R-SUP-5 exactly at every threshold", {30, 4000, true}, {30, 4000, true}, true, ""},
      {"R-SUP-5 exactly 30 in a term, 31 in the other", {30, 4000, true}, {31, 4100, true}, true, ""},
      {"R-SUP-5 79.5 hours is short of 80", {30, 3950, true}, {30, 4000, true}, false, "year_hours"},
      {"R-SUP-5 80 hours exactly", {30, 4000, true}, {30, 4000, true}, true, ""},
      {"R-SUP-5 29 in one term with 61 in the year", {29, 4000, true}, {32, 4000, true}, false, "term_lessons/2"},
      {"R-SUP-5 59 lessons in the year", {30, 4500, true}, {29, 4500, true}, false, "year_lessons,term_lessons/3"},
      {"R-SUP-5 a missing term signature",
       {30, 4000, true},
       {30, 4000, false},
       false,
       "year_hours,year_lessons,term_lessons/3,signed/3"},
      {"R-SUP-5 nothing signed",
       {40, 5000, false},
       {40, 5000, false},
       false,
       "year_hours,year_lessons,term_lessons/2,term_lessons/3,signed/2,signed/3"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    auto d = DecideCertification(r.autumn, r.spring, Thresholds{});
    EXPECT_EQ(d.granted, r.granted);
    ASSERT_EQ(d.checks.size(), 6u);  // every threshold, always
    std::string failing;
    for (const auto& c : d.checks) {
      if (c.met) continue;
      std::string id = c.rule_id.substr(c.rule_id.find('.') + 1);
      if (c.scope != av1::THRESHOLD_SCOPE_YEAR) id += "/" + std::to_string(static_cast<int>(c.scope));
      failing += (failing.empty() ? "" : ",") + id;
    }
    EXPECT_EQ(failing, r.failing);
  }
  // The figures are listed including unsigned terms, so a teacher sees what
  // signing would change.
  auto d = DecideCertification({30, 4000, true}, {30, 3950, false}, Thresholds{});
  EXPECT_EQ(d.checks[0].reached, 4000);
  EXPECT_EQ(d.checks[0].reached_including_unsigned, 7950);
  EXPECT_EQ(d.checks[0].required, 8000);
  EXPECT_EQ(d.checks[3].reached_including_unsigned, 3000);
}

// ---- Access ------------------------------------------------------------------
TEST(SupportRules, Access) {
  AssignmentScope a{"t1", "3133000001", {"2133000001"}, "331024"};
  auto teacher_self = Who(auth::Role::kTeacher, "", "3133000001");
  teacher_self.teacher_id = "t1";
  auto teacher_other = teacher_self;
  teacher_other.teacher_id = "t2";
  struct Row {
    const char* rule;
    auth::Principal who;
    bool read, record, manage;
  };
  const Row rows[] = {
      {"teachers record their own", teacher_self, true, true, false},
      {"not another teacher's", teacher_other, false, false, false},
      {"sending school sees and records", Who(auth::Role::kSchoolAdmin, "", "3133000001"), true, true, false},
      {"receiving school sees and records", Who(auth::Role::kSchoolAdmin, "", "2133000001"), true, true, false},
      {"unrelated school sees nothing", Who(auth::Role::kSchoolAdmin, "", "2133000099"), false, false, false},
      {"county of the region manages", Who(auth::Role::kCountyBureau, "331024"), true, true, true},
      {"city covering the county manages", Who(auth::Role::kCountyBureau, "3310"), true, true, true},
      {"another county: nothing", Who(auth::Role::kCountyBureau, "331081"), false, false, false},
      {"province", Who(auth::Role::kProvinceAdmin), true, true, true},
      {"township head of the county reads its queue", Who(auth::Role::kTownshipHead, "331024101"), true, false, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.rule);
    EXPECT_EQ(CanReadAssignment(r.who, a), r.read);
    EXPECT_EQ(CanRecordActivity(r.who, a), r.record);
    EXPECT_EQ(CanManageForRegion(r.who, a.region), r.manage);
  }
}

}  // namespace
}  // namespace gongtong::assessment
