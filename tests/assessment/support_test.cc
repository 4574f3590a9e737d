// Support teaching (issue 5) against real PostgreSQL and Redis: quotas
// (R-SUP-1), activity records and their bad input (R-SUP-2, R-SUP-3), the
// sign-off with voiding and locking (R-SUP-4), certification (R-SUP-5), and
// delivered sessions from the booking stream recorded exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "assessment/rpc/support_tasks.h"
#include "assessment/storage/support_rows.h"
#include "assessment/storage/support_session_batch_ingest.h"
#include "assessment/storage/support_session_ingest.h"
#include "assessment_test_server.h"
#include "common/events/event.h"
#include "common/redis/redis_client.h"
#include "gongtong/events/v1/booking_events.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong::assessment::testing {
namespace {

constexpr char kSending[] = "3133102401";
constexpr char kReceiving[] = "2133102402";
constexpr char kOtherSchool[] = "2133102409";
const Caller kCounty{auth::Role::kCountyBureau, "331024", "", ""};
const Caller kOtherCounty{auth::Role::kCountyBureau, "331081", "", ""};
const Caller kTeacherLi{auth::Role::kTeacher, "", kSending, "t-li"};
const Caller kTeacherWang{auth::Role::kTeacher, "", kSending, "t-wang"};
const Caller kReceivingAdmin{auth::Role::kSchoolAdmin, "", kReceiving, ""};
const Caller kOtherAdmin{auth::Role::kSchoolAdmin, "", kOtherSchool, ""};
const Caller kTownship{auth::Role::kTownshipHead, "331024101", "", ""};

class SupportTest : public ::testing::Test {
 protected:
  SupportTest() : server_("support") {}

  grpc::Status SetQuota(const std::string& school, int places) {
    av1::UpdateSupportQuotaRequest req;
    req.mutable_support_quota()->set_name("schools/" + school + "/supportQuotas/2024");
    req.mutable_support_quota()->set_prior_year_associate_senior_places(places);
    req.mutable_update_mask()->add_paths("prior_year_associate_senior_places");
    av1::SupportQuota resp;
    return Call(&Stub::UpdateSupportQuota, server_.stub(), req, &resp, kCounty);
  }

  grpc::Status Assign(const std::string& id, const std::string& teacher, const std::string& sending = kSending) {
    av1::CreateSupportAssignmentRequest req;
    auto* a = req.mutable_support_assignment();
    a->set_teacher("teachers/" + teacher);
    a->set_sending_school("schools/" + sending);
    a->add_receiving_schools(std::string("schools/") + kReceiving);
    a->set_school_year(2024);
    a->set_kind(av1::ASSIGNMENT_KIND_SUPPORT_TEACHING);
    req.set_support_assignment_id(id);
    av1::SupportAssignment resp;
    return Call(&Stub::CreateSupportAssignment, server_.stub(), req, &resp, kCounty);
  }

  static av1::ActivityRecord Activity(av1::ActivityRecordKind kind, int y, int m, int d, int lessons, int half_days) {
    av1::ActivityRecord r;
    r.set_kind(kind);
    r.mutable_date()->set_year(y);
    r.mutable_date()->set_month(m);
    r.mutable_date()->set_day(d);
    r.set_receiving_school(std::string("schools/") + kReceiving);
    r.set_lessons(lessons);
    r.set_half_days(half_days);
    r.mutable_evidence()->set_title("教案");
    return r;
  }

  grpc::Status Record(const std::string& assignment, const av1::ActivityRecord& r, av1::ActivityRecord* out = nullptr,
                      const Caller& caller = kTeacherLi) {
    av1::CreateActivityRecordRequest req;
    req.set_parent("supportAssignments/" + assignment);
    *req.mutable_activity_record() = r;
    av1::ActivityRecord resp;
    return Call(&Stub::CreateActivityRecord, server_.stub(), req, out ? out : &resp, caller);
  }

  av1::TermSummary Summary(const std::string& assignment, const std::string& term) {
    av1::GetTermSummaryRequest req;
    req.set_name("supportAssignments/" + assignment + "/termSummaries/" + term);
    av1::TermSummary resp;
    EXPECT_TRUE(Call(&Stub::GetTermSummary, server_.stub(), req, &resp, kTeacherLi).ok());
    return resp;
  }

  // One sign-off step on the summary as it is now.
  grpc::Status Step(av1::SignatureStep step, const std::string& assignment, const std::string& term,
                    const Caller& caller, av1::TermSummary* out = nullptr) {
    const av1::TermSummary now = Summary(assignment, term);
    av1::TermSummary resp;
    if (!out) out = &resp;
    switch (step) {
      case av1::SIGNATURE_STEP_RECEIVING_SCHOOL: {
        av1::ConfirmTermSummaryRequest req;
        req.set_name(now.name());
        req.set_content_digest(now.content_digest());
        return Call(&Stub::ConfirmTermSummary, server_.stub(), req, out, caller);
      }
      case av1::SIGNATURE_STEP_TOWNSHIP_HEAD: {
        av1::SignTermSummaryRequest req;
        req.set_name(now.name());
        req.set_content_digest(now.content_digest());
        return Call(&Stub::SignTermSummary, server_.stub(), req, out, caller);
      }
      default: {
        av1::ReceiveTermSummaryRequest req;
        req.set_name(now.name());
        req.set_content_digest(now.content_digest());
        return Call(&Stub::ReceiveTermSummary, server_.stub(), req, out, caller);
      }
    }
  }

  AssessmentServer server_;
};

TEST_F(SupportTest, QuotaIsNPlusTwoAndNamesCapAndCount) {
  // R-SUP-1: no quota entered yet.
  auto s = Assign("a0", "t-li");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "QUOTA_NOT_SET");
  ASSERT_TRUE(SetQuota(kSending, 1).ok());
  EXPECT_TRUE(Assign("a1", "t-li").ok());
  EXPECT_TRUE(Assign("a2", "t-wang").ok());
  EXPECT_TRUE(Assign("a3", "t-zhao").ok());
  s = Assign("a4", "t-sun");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Reason(s), "SUPPORT_QUOTA_EXHAUSTED");
  EXPECT_EQ(Meta(s, "cap"), "3");
  EXPECT_EQ(Meta(s, "count"), "3");
  EXPECT_EQ(Meta(s, "quota"), std::string("schools/") + kSending + "/supportQuotas/2024");
  EXPECT_NE(s.error_message().find("cap N+2 = 1+2 = 3, already 3"), std::string::npos) << s.error_message();
  google::rpc::Status details;
  details.ParseFromString(s.error_details());
  bool quota_failure = false;
  for (const auto& any : details.details()) {
    google::rpc::QuotaFailure failure;
    if (any.UnpackTo(&failure)) {
      quota_failure = failure.violations_size() == 1 &&
                      failure.violations(0).subject() == std::string("schools/") + kSending + "/supportQuotas/2024";
    }
  }
  EXPECT_TRUE(quota_failure);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM support_assignments"), 3);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM support_term_summaries"), 6);
  // One live assignment per teacher and year; lowering N below the used places is refused.
  ASSERT_TRUE(SetQuota(kSending, 5).ok());
  EXPECT_EQ(Assign("a5", "t-li").error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(SetQuota(kSending, 0).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Only the county of the region (or the province) assigns.
  av1::CreateSupportAssignmentRequest req;
  av1::SupportAssignment resp;
  EXPECT_EQ(Call(&Stub::CreateSupportAssignment, server_.stub(), req, &resp, kReceivingAdmin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  av1::GetSupportQuotaRequest get;
  get.set_name(std::string("schools/") + kSending + "/supportQuotas/2024");
  av1::SupportQuota quota;
  ASSERT_TRUE(Call(&Stub::GetSupportQuota, server_.stub(), get, &quota, kCounty).ok());
  EXPECT_EQ(quota.cap(), 7);
  EXPECT_EQ(quota.used(), 3);
  EXPECT_EQ(Call(&Stub::GetSupportQuota, server_.stub(), get, &quota, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SupportTest, ActivityBadInputChangesNothing) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  // R-SUP-3: a research activity given in lessons.
  auto s = Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2024, 10, 9, 2, 0));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "activity_record.lessons"));
  EXPECT_EQ(Reason(s), "RESEARCH_IN_LESSONS");
  // R-SUP-2: an activity outside the assignment's year.
  s = Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2025, 9, 2, 1, 0));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(s, "activity_record.date"));
  EXPECT_EQ(Reason(s), "ACTIVITY_OUTSIDE_ASSIGNMENT");
  // Not one of the assignment's receiving schools.
  auto elsewhere = Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 9, 1, 0);
  elsewhere.set_receiving_school(std::string("schools/") + kOtherSchool);
  s = Record("a1", elsewhere);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(s, "activity_record.receiving_school"));
  // Teachers record their own activities only; unrelated schools nothing.
  EXPECT_EQ(
      Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 9, 1, 0), nullptr, kTeacherWang).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 9, 1, 0), nullptr, kOtherAdmin).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM support_activity_records"), 0);
  // The same record is fine; research counts 3 class hours per half day.
  av1::ActivityRecord out;
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2024, 10, 9, 0, 2), &out).ok());
  EXPECT_EQ(out.class_hours().value(), "6");
  EXPECT_EQ(out.term().term(), gongtong::common::v1::TERM_KIND_AUTUMN);
  EXPECT_EQ(out.teaching_order(), 1);
  EXPECT_EQ(out.source(), av1::RECORD_SOURCE_MANUAL);
}

TEST_F(SupportTest, SignOffInOrderVoidedByChangesLockedWhenReceived) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 10, 2, 0)).ok());
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_OBSERVED, 2024, 10, 8, 1, 0)).ok());
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2024, 10, 9, 0, 1)).ok());
  av1::TermSummary sum = Summary("a1", "autumn");
  EXPECT_EQ(sum.totals().lessons_taught(), 2);
  EXPECT_EQ(sum.totals().lessons_observed(), 1);
  EXPECT_EQ(sum.totals().research_half_days(), 1);
  EXPECT_EQ(sum.totals().class_hours().value(), "6");
  ASSERT_EQ(sum.lines_size(), 3);  // teaching order: 8th, 9th, 10th of October
  EXPECT_EQ(sum.lines(0).kind(), av1::ACTIVITY_RECORD_KIND_OBSERVED);
  EXPECT_EQ(sum.lines(1).kind(), av1::ACTIVITY_RECORD_KIND_RESEARCH);
  EXPECT_EQ(sum.lines(2).kind(), av1::ACTIVITY_RECORD_KIND_TAUGHT);
  EXPECT_EQ(sum.state(), av1::SUMMARY_STATE_DRAFT);
  EXPECT_FALSE(sum.counts());

  // R-SUP-4: out of order, wrong role, another unit.
  auto s = Step(av1::SIGNATURE_STEP_TOWNSHIP_HEAD, "a1", "autumn", kTownship);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "SIGNOFF_OUT_OF_ORDER");
  EXPECT_EQ(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kTeacherLi).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kOtherAdmin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kProvince).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A stale digest is ABORTED.
  av1::ConfirmTermSummaryRequest stale;
  stale.set_name(sum.name());
  stale.set_content_digest("0000");
  av1::TermSummary out;
  EXPECT_EQ(Call(&Stub::ConfirmTermSummary, server_.stub(), stale, &out, kReceivingAdmin).error_code(),
            grpc::StatusCode::ABORTED);

  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin, &out).ok());
  EXPECT_EQ(out.state(), av1::SUMMARY_STATE_RECEIVING_CONFIRMED);
  EXPECT_EQ(Step(av1::SIGNATURE_STEP_COUNTY_OFFICE, "a1", "autumn", kCounty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_TOWNSHIP_HEAD, "a1", "autumn", kTownship, &out).ok());
  EXPECT_EQ(out.state(), av1::SUMMARY_STATE_TOWNSHIP_SIGNED);
  EXPECT_TRUE(out.counts());
  EXPECT_EQ(out.signatures_size(), 2);

  // Any change after a signature voids it.
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 11, 1, 1, 0)).ok());
  sum = Summary("a1", "autumn");
  EXPECT_EQ(sum.state(), av1::SUMMARY_STATE_DRAFT);
  EXPECT_EQ(sum.signatures_size(), 0);
  EXPECT_FALSE(sum.counts());
  EXPECT_NE(sum.last_void_cause().find("created"), std::string::npos);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM outbox WHERE event_type = 'gongtong.events.v1.TermSummaryVoided'"), 1);

  // Signed again and received by the county: the term is locked.
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_TOWNSHIP_HEAD, "a1", "autumn", kTownship).ok());
  EXPECT_EQ(Step(av1::SIGNATURE_STEP_COUNTY_OFFICE, "a1", "autumn", kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_COUNTY_OFFICE, "a1", "autumn", kCounty, &out).ok());
  EXPECT_EQ(out.state(), av1::SUMMARY_STATE_COUNTY_RECEIVED);
  s = Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 11, 2, 1, 0));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "TERM_LOCKED");
  EXPECT_EQ(Summary("a1", "autumn").lines_size(), 4);
  // The spring term is still open.
  EXPECT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2025, 3, 2, 1, 0)).ok());
}

TEST_F(SupportTest, CertificationListsEveryThresholdWithItsFigure) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  // Autumn: exactly 30 lessons taught + 3 research half days = 39 h.
  for (int d : {10, 11, 14})
    ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, d, 10, 0)).ok());
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2024, 10, 15, 0, 3)).ok());
  // Spring: 30 lessons + 4 half days = 42 h; year 81 h, 60 lessons.
  for (int d : {3, 4, 5}) ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2025, 3, d, 10, 0)).ok());
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2025, 3, 6, 0, 4)).ok());
  for (const char* term : {"autumn"}) {
    ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", term, kReceivingAdmin).ok());
    ASSERT_TRUE(Step(av1::SIGNATURE_STEP_TOWNSHIP_HEAD, "a1", term, kTownship).ok());
  }
  // The teacher looks where she stands: spring unsigned, so it does not count.
  av1::CertifySupportExperienceRequest req;
  req.set_name("supportAssignments/a1");
  req.set_validate_only(true);
  av1::Certification c;
  ASSERT_TRUE(Call(&Stub::CertifySupportExperience, server_.stub(), req, &c, kTeacherLi).ok());
  EXPECT_FALSE(c.granted());
  ASSERT_EQ(c.checks_size(), 6);
  EXPECT_EQ(c.checks(0).rule_id(), "R-SUP-2.year_hours");
  EXPECT_EQ(c.checks(0).required().value(), "80");
  EXPECT_EQ(c.checks(0).reached().value(), "39");
  EXPECT_EQ(c.checks(0).reached_including_unsigned().value(), "81");
  EXPECT_FALSE(c.checks(5).met());  // spring signed
  // Deciding is the county's, and only for a validate_only look the teacher may call.
  req.set_validate_only(false);
  EXPECT_EQ(Call(&Stub::CertifySupportExperience, server_.stub(), req, &c, kTeacherLi).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "spring", kReceivingAdmin).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_TOWNSHIP_HEAD, "a1", "spring", kTownship).ok());
  ASSERT_TRUE(Call(&Stub::CertifySupportExperience, server_.stub(), req, &c, kCounty).ok());
  EXPECT_TRUE(c.granted());
  for (const auto& check : c.checks()) EXPECT_TRUE(check.met()) << check.rule_id();
  EXPECT_EQ(c.checks(1).reached().value(), "60");
  EXPECT_EQ(c.checks(2).reached().value(), "30");  // exactly 30 in the autumn term
  av1::GetCertificationRequest get;
  get.set_name("supportAssignments/a1/certification");
  av1::Certification stored;
  ASSERT_TRUE(Call(&Stub::GetCertification, server_.stub(), get, &stored, kTeacherLi).ok());
  EXPECT_TRUE(stored.granted());
  EXPECT_EQ(server_.Count("SELECT count(*) FROM outbox WHERE event_type = 'gongtong.events.v1.CertificationDecided'"),
            1);
  // A certified assignment's records are locked.
  EXPECT_EQ(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2025, 4, 1, 1, 0)).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(SupportTest, WithdrawalFreesAPlaceDeleteOnlyWithoutRecords) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());  // cap 2
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  ASSERT_TRUE(Assign("a2", "t-wang").ok());
  EXPECT_EQ(Assign("a3", "t-zhao").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 9, 1, 0)).ok());

  // Immutable fields and removing a school with records are refused.
  av1::UpdateSupportAssignmentRequest up;
  up.mutable_support_assignment()->set_name("supportAssignments/a1");
  up.mutable_update_mask()->add_paths("teacher");
  av1::SupportAssignment out;
  auto s = Call(&Stub::UpdateSupportAssignment, server_.stub(), up, &out, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("receiving_schools");
  up.mutable_support_assignment()->add_receiving_schools(std::string("schools/") + kOtherSchool);
  s = Call(&Stub::UpdateSupportAssignment, server_.stub(), up, &out, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(s, "support_assignment.receiving_schools"));
  EXPECT_EQ(Call(&Stub::UpdateSupportAssignment, server_.stub(), up, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // An assignment with records cannot be deleted; withdrawn, it frees a place.
  av1::DeleteSupportAssignmentRequest del;
  del.set_name("supportAssignments/a1");
  EXPECT_EQ(Call(&Stub::DeleteSupportAssignment, server_.stub(), del, &out, kCounty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("withdrawal_reason");
  up.mutable_support_assignment()->set_withdrawal_reason("调回原单位");
  ASSERT_TRUE(Call(&Stub::UpdateSupportAssignment, server_.stub(), up, &out, kCounty).ok());
  EXPECT_EQ(out.state(), av1::ASSIGNMENT_STATE_WITHDRAWN);
  EXPECT_TRUE(Assign("a3", "t-zhao").ok());
  EXPECT_EQ(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 10, 1, 0)).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Without records: deleted, and restored only while the cap allows.
  del.set_name("supportAssignments/a2");
  ASSERT_TRUE(Call(&Stub::DeleteSupportAssignment, server_.stub(), del, &out, kCounty).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  EXPECT_TRUE(Assign("a4", "t-sun").ok());
  av1::UndeleteSupportAssignmentRequest undel;
  undel.set_name("supportAssignments/a2");
  s = Call(&Stub::UndeleteSupportAssignment, server_.stub(), undel, &out, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "QUOTA_WOULD_BE_EXCEEDED");
  ASSERT_TRUE(SetQuota(kSending, 1).ok());
  ASSERT_TRUE(Call(&Stub::UndeleteSupportAssignment, server_.stub(), undel, &out, kCounty).ok());
  EXPECT_FALSE(out.audit().has_delete_time());
  EXPECT_EQ(
      server_.Count("SELECT count(*) FROM outbox WHERE event_type = 'gongtong.events.v1.SupportAssignmentDeleted'"), 1);
}

TEST_F(SupportTest, UpdatedRecordRevalidatedAndVoidsBothTerms) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  av1::ActivityRecord rec;
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2024, 10, 9, 0, 1), &rec).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin).ok());
  av1::UpdateActivityRecordRequest up;
  up.mutable_activity_record()->set_name(rec.name());
  up.mutable_activity_record()->set_lessons(2);
  up.mutable_update_mask()->add_paths("lessons");
  av1::ActivityRecord out;
  auto s = Call(&Stub::UpdateActivityRecord, server_.stub(), up, &out, kTeacherLi);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);  // research in lessons, still
  EXPECT_TRUE(HasField(s, "activity_record.lessons"));
  EXPECT_EQ(Summary("a1", "autumn").state(), av1::SUMMARY_STATE_RECEIVING_CONFIRMED);  // nothing applied
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("kind");
  EXPECT_EQ(Call(&Stub::UpdateActivityRecord, server_.stub(), up, &out, kTeacherLi).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Moved into the spring term with two half days: 6 hours there, autumn voided.
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("date");
  up.mutable_update_mask()->add_paths("half_days");
  *up.mutable_activity_record()->mutable_date() = Activity(av1::ACTIVITY_RECORD_KIND_RESEARCH, 2025, 3, 3, 0, 2).date();
  up.mutable_activity_record()->set_half_days(2);
  ASSERT_TRUE(Call(&Stub::UpdateActivityRecord, server_.stub(), up, &out, kTeacherLi).ok());
  EXPECT_EQ(out.class_hours().value(), "6");
  EXPECT_EQ(out.term().term(), gongtong::common::v1::TERM_KIND_SPRING);
  auto autumn = Summary("a1", "autumn");
  EXPECT_EQ(autumn.state(), av1::SUMMARY_STATE_DRAFT);
  EXPECT_EQ(autumn.lines_size(), 0);
  EXPECT_EQ(Summary("a1", "spring").totals().class_hours().value(), "6");
}

TEST_F(SupportTest, ListingsShowOnlyTheCallersScopeAndPage) {
  ASSERT_TRUE(SetQuota(kSending, 3).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  ASSERT_TRUE(Assign("a2", "t-wang").ok());
  for (int d = 1; d <= 5; ++d) {
    ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 10 - d, 1, 0)).ok());
  }
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin).ok());

  av1::ListSupportAssignmentsRequest la;
  av1::ListSupportAssignmentsResponse ra;
  ASSERT_TRUE(Call(&Stub::ListSupportAssignments, server_.stub(), la, &ra, kCounty).ok());
  EXPECT_EQ(ra.total_size(), 2);
  ASSERT_TRUE(Call(&Stub::ListSupportAssignments, server_.stub(), la, &ra, kTeacherLi).ok());
  ASSERT_EQ(ra.support_assignments_size(), 1);  // herself only
  EXPECT_EQ(ra.support_assignments(0).name(), "supportAssignments/a1");
  ASSERT_TRUE(Call(&Stub::ListSupportAssignments, server_.stub(), la, &ra, kOtherCounty).ok());
  EXPECT_EQ(ra.support_assignments_size(), 0);
  la.set_filter("teacher = teachers/t-wang");
  ASSERT_TRUE(Call(&Stub::ListSupportAssignments, server_.stub(), la, &ra, kCounty).ok());
  EXPECT_EQ(ra.total_size(), 1);
  la.set_filter("colour = red");
  EXPECT_EQ(Call(&Stub::ListSupportAssignments, server_.stub(), la, &ra, kCounty).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Records in teaching order, two pages of three and two.
  av1::ListActivityRecordsRequest lr;
  lr.set_parent("supportAssignments/a1");
  lr.set_page_size(3);
  av1::ListActivityRecordsResponse rr;
  ASSERT_TRUE(Call(&Stub::ListActivityRecords, server_.stub(), lr, &rr, kTeacherLi).ok());
  ASSERT_EQ(rr.activity_records_size(), 3);
  EXPECT_EQ(rr.total_size(), 5);
  EXPECT_EQ(rr.activity_records(0).teaching_order(), 1);
  EXPECT_EQ(rr.activity_records(0).date().day(), 5);
  ASSERT_FALSE(rr.next_page_token().empty());
  lr.set_page_token(rr.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListActivityRecords, server_.stub(), lr, &rr, kTeacherLi).ok());
  ASSERT_EQ(rr.activity_records_size(), 2);
  EXPECT_EQ(rr.activity_records(1).teaching_order(), 5);
  EXPECT_TRUE(rr.next_page_token().empty());
  lr.clear_page_token();
  EXPECT_EQ(Call(&Stub::ListActivityRecords, server_.stub(), lr, &rr, kTeacherWang).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The township head's queue: summaries confirmed and waiting for her signature.
  av1::ListTermSummariesRequest ls;
  ls.set_parent("supportAssignments/-");
  ls.set_filter("state = SUMMARY_STATE_RECEIVING_CONFIRMED");
  av1::ListTermSummariesResponse rs;
  ASSERT_TRUE(Call(&Stub::ListTermSummaries, server_.stub(), ls, &rs, kTownship).ok());
  ASSERT_EQ(rs.term_summaries_size(), 1);
  EXPECT_EQ(rs.term_summaries(0).name(), "supportAssignments/a1/termSummaries/autumn");
  EXPECT_EQ(rs.term_summaries(0).totals().lessons_taught(), 5);
  // Quotas and certifications in scope.
  av1::ListSupportQuotasRequest lq;
  lq.set_parent("schools/-");
  lq.set_filter("exhausted = true");
  av1::ListSupportQuotasResponse rq;
  ASSERT_TRUE(Call(&Stub::ListSupportQuotas, server_.stub(), lq, &rq, kCounty).ok());
  EXPECT_EQ(rq.support_quotas_size(), 0);  // cap 5, 2 used
  lq.set_filter("school_year = 2024");
  ASSERT_TRUE(Call(&Stub::ListSupportQuotas, server_.stub(), lq, &rq, kCounty).ok());
  ASSERT_EQ(rq.support_quotas_size(), 1);
  EXPECT_EQ(rq.support_quotas(0).cap(), 5);
  EXPECT_EQ(rq.support_quotas(0).used(), 2);
  ASSERT_TRUE(Call(&Stub::ListSupportQuotas, server_.stub(), lq, &rq, kOtherCounty).ok());
  EXPECT_EQ(rq.support_quotas_size(), 0);
  av1::CertifySupportExperienceRequest cert;
  cert.set_name("supportAssignments/a2");
  av1::Certification decided;
  ASSERT_TRUE(Call(&Stub::CertifySupportExperience, server_.stub(), cert, &decided, kCounty).ok());
  EXPECT_FALSE(decided.granted());
  av1::ListCertificationsRequest lc;
  lc.set_parent("supportAssignments/-");
  lc.set_filter("granted = false");
  av1::ListCertificationsResponse rc;
  ASSERT_TRUE(Call(&Stub::ListCertifications, server_.stub(), lc, &rc, kCounty).ok());
  ASSERT_EQ(rc.certifications_size(), 1);
  EXPECT_EQ(rc.certifications(0).teacher(), "teachers/t-wang");
  ASSERT_TRUE(Call(&Stub::ListCertifications, server_.stub(), lc, &rc, kTeacherLi).ok());
  EXPECT_EQ(rc.certifications_size(), 0);  // not hers

  const Caller other_township{auth::Role::kTownshipHead, "331081101", "", ""};
  ASSERT_TRUE(Call(&Stub::ListTermSummaries, server_.stub(), ls, &rs, other_township).ok());
  EXPECT_EQ(rs.term_summaries_size(), 0);
}

TEST_F(SupportTest, ConcurrentAssignmentsNeverPassTheCap) {
  // R-SUP-1 under concurrency: eight creations at once against a cap of 2.
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, exhausted{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto s = Assign("c" + std::to_string(i), "t-" + std::to_string(i));
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(exhausted.load(), 6);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM support_assignments"), 2);
}

TEST_F(SupportTest, NarrativeChangeVoidsAndChangesTheDigest) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 9, 1, 0)).ok());
  av1::TermSummary confirmed;
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin, &confirmed).ok());
  av1::UpdateTermSummaryRequest up;
  up.mutable_term_summary()->set_name(confirmed.name());
  up.mutable_term_summary()->set_narrative("本学期在受援学校上课、听课，参加教研活动。");
  up.mutable_update_mask()->add_paths("narrative");
  av1::TermSummary out;
  EXPECT_EQ(Call(&Stub::UpdateTermSummary, server_.stub(), up, &out, kReceivingAdmin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // the teacher or her school writes it
  ASSERT_TRUE(Call(&Stub::UpdateTermSummary, server_.stub(), up, &out, kTeacherLi).ok());
  EXPECT_EQ(out.state(), av1::SUMMARY_STATE_DRAFT);
  EXPECT_EQ(out.signatures_size(), 0);
  EXPECT_NE(out.content_digest(), confirmed.content_digest());
  // The school confirms what it sees now.
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin, &out).ok());
  EXPECT_EQ(out.signatures(0).content_digest(), out.content_digest());
}

// ---- delivered sessions from the booking stream ------------------------------

std::string DeliveredEnvelope(const std::string& event_id, const std::string& session, const std::string& teacher,
                              const std::string& school, int day) {
  gongtong::events::v1::SessionDelivered delivered;
  auto* s = delivered.mutable_session();
  s->set_name(session);
  s->mutable_host()->set_teacher(teacher);
  s->add_receivers()->set_school(school);
  s->set_topic("分数的意义");
  s->mutable_window()->mutable_date()->set_year(2024);
  s->mutable_window()->mutable_date()->set_month(11);
  s->mutable_window()->mutable_date()->set_day(day);
  s->mutable_window()->mutable_start_time()->set_hours(8);
  auto env = events::MakeEvent("booking", "session", session, 3, delivered, "corr-1");
  env.set_event_id(event_id);
  return env.SerializeAsString();
}

TEST_F(SupportTest, DeliveredSessionsRecordedOnceHoweverOftenRedelivered) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  redis::Client redis(server_.redis_options());
  ASSERT_TRUE(redis.Command({"DEL", kBookingStream}).ok());
  auto publish = [&](const std::string& envelope, const std::string& id) {
    ASSERT_TRUE(redis
                    .Command({"XADD", kBookingStream, "*", "event_id", id, "event_type",
                              "gongtong.events.v1.SessionDelivered", "envelope", envelope})
                    .ok());
  };
  const std::string school = std::string("schools/") + kReceiving;
  const std::string e1 =
      DeliveredEnvelope("11111111-1111-4111-8111-111111111111", "sessions/s1", "teachers/t-li", school, 5);
  for (int i = 0; i < 3; ++i) publish(e1, "11111111-1111-4111-8111-111111111111");  // redelivered
  // The same session under another event id (a booking relay that republished).
  publish(DeliveredEnvelope("22222222-2222-4222-8222-222222222222", "sessions/s1", "teachers/t-li", school, 5),
          "22222222-2222-4222-8222-222222222222");
  publish(DeliveredEnvelope("33333333-3333-4333-8333-333333333333", "sessions/s2", "teachers/t-li", school, 6),
          "33333333-3333-4333-8333-333333333333");
  // Not hers; not at a receiving school: nothing.
  publish(DeliveredEnvelope("44444444-4444-4444-8444-444444444444", "sessions/s3", "teachers/t-wang", school, 6),
          "44444444-4444-4444-8444-444444444444");
  publish(DeliveredEnvelope("55555555-5555-4555-8555-555555555555", "sessions/s4", "teachers/t-li",
                            std::string("schools/") + kOtherSchool, 6),
          "55555555-5555-4555-8555-555555555555");

  auto drain = [&] {
    auto consumer = MakeDeliveredSessionConsumer(&server_.pool(), server_.redis_options(), "test-1");
    for (int round = 0; round < 10; ++round) {  // until a round finds nothing new
      auto n = consumer->PollOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0) break;
    }
  };
  drain();
  auto once = Summary("a1", "autumn");
  EXPECT_EQ(once.totals().lessons_taught(), 2);
  EXPECT_EQ(once.totals().class_hours().value(), "2");
  ASSERT_EQ(once.lines_size(), 2);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM support_activity_records WHERE source = 2"), 2);

  // Replay the whole stream twice: the same totals as once.
  for (int replay = 0; replay < 2; ++replay) {
    ASSERT_TRUE(redis.Command({"XGROUP", "DESTROY", kBookingStream, kSupportConsumerGroup}).ok());
    drain();
    auto again = Summary("a1", "autumn");
    EXPECT_EQ(again.totals().lessons_taught(), 2);
    EXPECT_EQ(again.content_digest(), once.content_digest());
  }
  // Event-sourced records are deleted only by the county.
  av1::DeleteActivityRecordRequest del;
  del.set_name(once.lines(0).record());
  av1::ActivityRecord gone;
  EXPECT_EQ(Call(&Stub::DeleteActivityRecord, server_.stub(), del, &gone, kTeacherLi).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&Stub::DeleteActivityRecord, server_.stub(), del, &gone, kCounty).ok());
  EXPECT_EQ(Summary("a1", "autumn").totals().lessons_taught(), 1);
}

// What ingestion wrote: records (in teaching-order tie-break order), term
// summaries and outbox events, without record ids and times.
std::string IngestSnapshot(pqxx::work& tx) {
  std::string out;
  for (const auto& r : tx.exec(
           "SELECT assignment_id, term, record_date::text, start_minute, kind, quantity, centi_hours, "
           "receiving_school, source, source_ref, evidence_title, body FROM support_activity_records ORDER BY seq")) {
    for (int i = 0; i < 11; ++i) out += std::string(r[i].c_str()) + "|";
    auto body = ParseBody<av1::ActivityRecord>(r[11]);
    body.clear_audit();
    out += body.ShortDebugString() + "\n";
  }
  for (const auto& r : tx.exec("SELECT assignment_id, term, state, version, body FROM support_term_summaries "
                               "ORDER BY assignment_id, term")) {
    auto body = ParseBody<av1::TermSummary>(r[4]);
    body.clear_audit();
    body.clear_last_void_time();
    // The cause names a record by its (random) id: name it by its session.
    const std::string& cause = body.last_void_cause();
    const std::string prefix = "activityRecords/", suffix = " created";
    if (cause.rfind(prefix, 0) == 0 && cause.size() > prefix.size() + suffix.size()) {
      auto ref = tx.exec_params("SELECT source_ref FROM support_activity_records WHERE record_id = $1",
                                cause.substr(prefix.size(), cause.size() - prefix.size() - suffix.size()));
      body.set_last_void_cause("record of " + (ref.empty() ? std::string("?") : ref[0][0].as<std::string>()));
    }
    out += std::string(r[0].c_str()) + "|" + r[1].c_str() + "|" + r[2].c_str() + "|" + r[3].c_str() + "|" +
           body.ShortDebugString() + "\n";
  }
  for (const auto& r : tx.exec("SELECT event_type, aggregate_id FROM outbox ORDER BY id")) {
    out += std::string(r[0].c_str()) + "|" + r[1].c_str() + "\n";
  }
  return out;
}

TEST_F(SupportTest, ABatchOfDeliveredSessionsWritesWhatTheirSingleDeliveriesWrite) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  ASSERT_TRUE(Assign("a1", "t-li").ok());
  ASSERT_TRUE(Assign("a2", "t-wang").ok());
  // a1's autumn term is received by the county: locked, its sessions skipped.
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 10, 2, 0)).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "autumn", kReceivingAdmin).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_TOWNSHIP_HEAD, "a1", "autumn", kTownship).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_COUNTY_OFFICE, "a1", "autumn", kCounty).ok());
  // a1's spring term is confirmed by the school: its first record voids it.
  ASSERT_TRUE(Record("a1", Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2025, 3, 10, 2, 0)).ok());
  ASSERT_TRUE(Step(av1::SIGNATURE_STEP_RECEIVING_SCHOOL, "a1", "spring", kReceivingAdmin).ok());
  const std::string school = std::string("schools/") + kReceiving;
  const std::string other = std::string("schools/") + kOtherSchool;
  std::vector<DeliveredSession> batch;
  auto add = [&](const std::string& session, const std::string& teacher, const std::string& at, int day,
                 int month = 11, int year = 2024) {
    gongtong::events::v1::EventEnvelope env;
    ASSERT_TRUE(env.ParseFromString(DeliveredEnvelope(events::NewEventId(), session, teacher, at, day)));
    DeliveredSession d;
    ASSERT_TRUE(env.payload().UnpackTo(&d.event));
    d.event.mutable_session()->mutable_window()->mutable_date()->set_month(month);
    d.event.mutable_session()->mutable_window()->mutable_date()->set_year(year);
    d.correlation_id = "corr-" + session;
    batch.push_back(std::move(d));
  };
  add("sessions/s1", "teachers/t-li", school, 12, 3, 2025);
  add("sessions/s2", "teachers/t-wang", school, 6);
  add("sessions/s1", "teachers/t-li", school, 12, 3, 2025);  // republished under another event id
  add("sessions/s3", "teachers/t-li", other, 13, 3, 2025);   // not at a receiving school
  add("sessions/s4", "teachers/t-zhao", school, 6);           // no assignment
  add("sessions/s5", "teachers/t-li", school, 7);             // locked term
  add("sessions/s6", "teachers/t-wang", school, 3, 3, 2025);  // spring term
  add("sessions/s7", "teachers/t-li", school, 5, 11, 2023);   // outside the school year
  add("sessions/s8", "teachers/t-li", school, 9, 4, 2025);
  add("sessions/s2", "teachers/t-wang", school, 6);
  ASSERT_EQ(batch.size(), 10u);

  // N single deliveries, rolled back after the snapshot; then the batch.
  std::string single, batched;
  int single_created = 0, batch_created = 0;
  auto rollback = absl::CancelledError("rolled back on purpose");
  EXPECT_EQ(server_.pool().Transact([&](pqxx::work& tx) -> absl::Status {
    for (const auto& d : batch) {
      auto n = IngestDeliveredSession(tx, d.event, d.correlation_id);
      if (!n.ok()) return n.status();
      single_created += *n;
    }
    single = IngestSnapshot(tx);
    return rollback;
  }), rollback);
  ASSERT_TRUE(server_.pool().Transact([&](pqxx::work& tx) -> absl::Status {
    auto n = IngestDeliveredSessions(tx, batch);
    if (!n.ok()) return n.status();
    batch_created = *n;
    batched = IngestSnapshot(tx);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(single_created, 4);  // s1, s2, s6, s8
  EXPECT_EQ(batch_created, single_created);
  EXPECT_EQ(batched, single);
  EXPECT_NE(batched.find("TermSummaryVoided"), std::string::npos);

  // The batch again (every session redelivered): nothing more.
  std::string again;
  ASSERT_TRUE(server_.pool().Transact([&](pqxx::work& tx) -> absl::Status {
    auto n = IngestDeliveredSessions(tx, batch);
    if (!n.ok()) return n.status();
    EXPECT_EQ(*n, 0);
    again = IngestSnapshot(tx);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(again, batched);
  EXPECT_EQ(Summary("a1", "autumn").totals().lessons_taught(), 2);
  EXPECT_EQ(Summary("a1", "autumn").state(), av1::SUMMARY_STATE_COUNTY_RECEIVED);
  EXPECT_EQ(Summary("a1", "spring").totals().lessons_taught(), 2 + 2);
  EXPECT_EQ(Summary("a1", "spring").signatures_size(), 0);
}

TEST_F(SupportTest, IdempotentRetriesAndRulesInheritance) {
  ASSERT_TRUE(SetQuota(kSending, 0).ok());
  // A region's own rules: 1.5 class hours per lesson; the county below inherits.
  av1::UpdateSupportRulesRequest rules;
  rules.mutable_support_rules()->set_name("regions/3310/supportRules/2024");
  rules.mutable_support_rules()->mutable_hours_per_lesson()->set_value("1.5");
  rules.mutable_update_mask()->add_paths("hours_per_lesson");
  av1::SupportRules updated;
  const Caller city{auth::Role::kCountyBureau, "3310", "", ""};
  ASSERT_TRUE(Call(&Stub::UpdateSupportRules, server_.stub(), rules, &updated, city).ok());
  EXPECT_EQ(Call(&Stub::UpdateSupportRules, server_.stub(), rules, &updated, kCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  av1::GetSupportRulesRequest get;
  get.set_name("regions/331024/supportRules/2024");
  av1::SupportRules effective;
  ASSERT_TRUE(Call(&Stub::GetSupportRules, server_.stub(), get, &effective, kTeacherLi).ok());
  EXPECT_EQ(effective.source(), "3310");
  EXPECT_EQ(effective.hours_per_lesson().value(), "1.5");
  EXPECT_EQ(effective.min_year_hours().value(), "80");

  ASSERT_TRUE(Assign("a1", "t-li").ok());
  av1::CreateActivityRecordRequest req;
  req.set_parent("supportAssignments/a1");
  *req.mutable_activity_record() = Activity(av1::ACTIVITY_RECORD_KIND_TAUGHT, 2024, 10, 9, 3, 0);
  req.set_request_id("6f1d7a52-51b4-4f0c-9d53-2b6f9c1d7e01");
  av1::ActivityRecord first, second;
  ASSERT_TRUE(Call(&Stub::CreateActivityRecord, server_.stub(), req, &first, kTeacherLi).ok());
  ASSERT_TRUE(Call(&Stub::CreateActivityRecord, server_.stub(), req, &second, kTeacherLi).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(first.class_hours().value(), "4.5");
  EXPECT_EQ(server_.Count("SELECT count(*) FROM support_activity_records"), 1);
  req.mutable_activity_record()->set_lessons(4);  // same id, other request
  EXPECT_EQ(Call(&Stub::CreateActivityRecord, server_.stub(), req, &second, kTeacherLi).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace gongtong::assessment::testing
