// Community evaluation (issue 5 "Community evaluation", R-EVAL-1 … R-EVAL-4)
// against real PostgreSQL and Redis: a county scheme whose weights do not sum
// to 100 % refused, publishing, declarations, self-assessments (a component
// the scheme does not have refused; late ones flagged), review scores, a run
// over three communities of all three types with exact, explained results,
// missing inputs shown as missing, ranking, the CSV export, and access.
// Community facts are seeded through EvaluationStore::UpsertCommunity, the
// path the registry's CommunityChanged events take.
#include <gtest/gtest.h>

#include "assessment/rpc/evaluation_methods.h"
#include "assessment/rpc/evaluation_tasks.h"
#include "common/events/event.h"
#include "common/redis/redis_client.h"
#include "gongtong/events/v1/booking_events.pb.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "assessment/storage/party_store.h"
#include "assessment/storage/evaluation_store.h"
#include "assessment_test_server.h"
#include "evaluation_world.h"

namespace gongtong::assessment::testing {
namespace {

class EvaluationTest : public EvaluationWorld {
 protected:
  EvaluationTest() : EvaluationWorld("evaluation") {}
};

TEST_F(EvaluationTest, ASchemeWhoseWeightsDoNotSumTo100IsRefused) {
  av1::GetEvaluationSchemeRequest get;
  get.set_name(kDefault);
  av1::EvaluationScheme yuhuan;
  ASSERT_TRUE(Call(&Stub::GetEvaluationScheme, server_.stub(), get, &yuhuan, Admin(Core(1))).ok());
  EXPECT_EQ(yuhuan.components_size(), 4);
  av1::CreateEvaluationSchemeRequest req;
  *req.mutable_evaluation_scheme() = yuhuan;
  req.mutable_evaluation_scheme()->set_region_code(kRegion);
  req.mutable_evaluation_scheme()->set_school_year(2024);
  req.mutable_evaluation_scheme()->mutable_components(0)->mutable_share()->set_value("35");
  av1::EvaluationScheme out;
  grpc::Status s = Call(&Stub::CreateEvaluationScheme, server_.stub(), req, &out, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(s), "SCHEME_INVALID");
  EXPECT_TRUE(HasField(s, "evaluation_scheme.components"));
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_schemes"), 0);
  // Fixed: created as a DRAFT version 1, published by the county; another
  // county may not.
  req.mutable_evaluation_scheme()->mutable_components(0)->mutable_share()->set_value("30");
  req.set_evaluation_scheme_id("yh-2024");
  EXPECT_EQ(Call(&Stub::CreateEvaluationScheme, server_.stub(), req, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::CreateEvaluationScheme, server_.stub(), req, &out, kCounty).ok());
  EXPECT_EQ(out.state(), av1::SCHEME_STATE_DRAFT);
  EXPECT_EQ(out.version(), 1);
  av1::PublishEvaluationSchemeRequest pub;
  pub.set_name("evaluationSchemes/yh-2024");
  EXPECT_EQ(Call(&Stub::PublishEvaluationScheme, server_.stub(), pub, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::PublishEvaluationScheme, server_.stub(), pub, &out, kCounty).ok());
  EXPECT_EQ(out.state(), av1::SCHEME_STATE_PUBLISHED);
  EXPECT_EQ(Call(&Stub::PublishEvaluationScheme, server_.stub(), pub, &out, kCounty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EvaluationTest, BadInputsAreRefusedWithTheirField) {
  av1::SelfAssessment sa;
  grpc::Status s = SelfAssess(1, Core(1), "sports_day", "80", &sa);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(s), "COMPONENT_NOT_IN_SCHEME");
  EXPECT_TRUE(HasField(s, "self_assessment.component_id"));
  s = SelfAssess(1, Core(1), "regular_autumn", "100.5", &sa);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "self_assessment.scores[0].score"));
  s = SelfAssess(1, Member(2), "regular_autumn", "80", &sa);  // not in yh-1
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(s, "self_assessment.school"));
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_self_assessments"), 0);
  // Nobody files for another unit; schools do not review themselves.
  av1::CreateSelfAssessmentRequest req;
  req.mutable_self_assessment()->set_school("schools/" + Member(1));
  EXPECT_EQ(Call(&Stub::CreateSelfAssessment, server_.stub(), req, &sa, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Review(1, Core(1), "regular_autumn", "80", Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Review(1, Core(1), "regular_autumn", "80", kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A core school cannot declare a feature; a collaborative member neither.
  EXPECT_EQ(Declare(1, Core(1), av1::DECLARATION_KIND_FEATURE).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Declare(3, Member(3), av1::DECLARATION_KIND_FEATURE).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_review_scores"), 0);
}

TEST_F(EvaluationTest, SelfAssessmentsAreFiledWithTheirDeadline) {
  av1::SelfAssessment sa;
  ASSERT_TRUE(SelfAssess(1, Member(1), "regular_autumn", "82", &sa).ok());
  EXPECT_EQ(sa.total().value(), "82");
  av1::SubmitSelfAssessmentRequest submit;
  submit.set_name(sa.name());
  av1::SelfAssessment filed;
  EXPECT_EQ(Call(&Stub::SubmitSelfAssessment, server_.stub(), submit, &filed, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::SubmitSelfAssessment, server_.stub(), submit, &filed, Admin(Member(1))).ok());
  EXPECT_EQ(filed.state(), av1::FILING_STATE_FILED);
  // R-EVAL-3: the 2024 school year's autumn deadline is 10 Nov 2024; today
  // (2025 or later) is after it, so the filing is accepted and flagged late.
  EXPECT_EQ(filed.filing().deadline().year(), 2024);
  EXPECT_EQ(filed.filing().deadline().month(), 11);
  EXPECT_EQ(filed.filing().deadline().day(), 10);
  EXPECT_TRUE(filed.filing().late());
  EXPECT_EQ(Call(&Stub::SubmitSelfAssessment, server_.stub(), submit, &filed, Admin(Member(1))).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EvaluationTest, ARunScoresTheCountyExactlyAndExplainsIt) {
  // yh-1 co-built: the member's feature (3:7); yh-2 fused: the pair's project
  // (7:3); yh-3 collaborative: project 1:1, but the member's spring review is
  // missing.
  ASSERT_TRUE(Declare(1, Core(1), av1::DECLARATION_KIND_PROJECT).ok());
  ASSERT_TRUE(Declare(1, Member(1), av1::DECLARATION_KIND_FEATURE).ok());
  ASSERT_TRUE(Declare(2, Core(2), av1::DECLARATION_KIND_PROJECT).ok());
  ASSERT_TRUE(Declare(3, Core(3), av1::DECLARATION_KIND_PROJECT).ok());
  ScoreCommunity(1, "feature");
  ScoreCommunity(2, "project");
  ScoreCommunity(3, "project", /*member_spring=*/false);
  av1::SelfAssessment sa;
  ASSERT_TRUE(SelfAssess(1, Member(1), "regular_autumn", "82", &sa).ok());
  av1::SubmitSelfAssessmentRequest submit;
  submit.set_name(sa.name());
  ASSERT_TRUE(Call(&Stub::SubmitSelfAssessment, server_.stub(), submit, &sa, Admin(Member(1))).ok());

  av1::CreateEvaluationRunRequest req;
  req.mutable_evaluation_run()->set_region_code(kRegion);
  req.mutable_evaluation_run()->set_school_year(2024);
  req.set_evaluation_run_id("yh-2024-a");
  av1::EvaluationRun run;
  EXPECT_EQ(Call(&Stub::CreateEvaluationRun, server_.stub(), req, &run, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreateEvaluationRun, server_.stub(), req, &run, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::CreateEvaluationRun, server_.stub(), req, &run, kCounty).ok());
  EXPECT_EQ(run.scheme(), kDefault);
  EXPECT_EQ(run.community_count(), 3);
  EXPECT_EQ(run.school_count(), 6);
  EXPECT_EQ(run.incomplete_count(), 1);
  EXPECT_EQ(run.inputs_digest().size(), 64u);

  struct Row {
    const char* rule;
    int community;
    const char* total;  // "" = incomplete
    int rank;
  };
  const Row rows[] = {
      {"R-EVAL-2 co-built, feature 3:7: 25.1025 + 26.25 + 31.8", 1, "83.15", 2},
      {"R-EVAL-2 fused, project 7:3: 25.1025 + 26.25 + 34.2", 2, "85.55", 1},
      {"R-EVAL-3 collaborative with a missing review: no total, rank 0", 3, "", 0},
  };
  for (const auto& r : rows) {
    av1::GetCommunityResultRequest get;
    get.set_name("evaluationRuns/yh-2024-a/communityResults/yh-" + std::to_string(r.community));
    av1::CommunityResult result;
    ASSERT_TRUE(Call(&Stub::GetCommunityResult, server_.stub(), get, &result, kCounty).ok()) << r.rule;
    EXPECT_EQ(result.total().value(), r.total) << r.rule;
    EXPECT_EQ(result.rank(), r.rank) << r.rule;
    EXPECT_EQ(result.complete(), *r.total != '\0') << r.rule;
    EXPECT_GE(result.explanation().steps_size(), *r.total ? 6 : 3) << r.rule;  // slots, total, points, rank
  }
  // The county ranking: best first, the incomplete one last.
  av1::ListCommunityResultsRequest list;
  list.set_parent(run.name());
  av1::ListCommunityResultsResponse ranking;
  ASSERT_TRUE(Call(&Stub::ListCommunityResults, server_.stub(), list, &ranking, kCounty).ok());
  ASSERT_EQ(ranking.community_results_size(), 3);
  EXPECT_EQ(ranking.community_results(0).community(), "communities/yh-2");
  EXPECT_EQ(ranking.community_results(2).community(), "communities/yh-3");
  list.set_filter("complete = false");
  ASSERT_TRUE(Call(&Stub::ListCommunityResults, server_.stub(), list, &ranking, kCounty).ok());
  ASSERT_EQ(ranking.community_results_size(), 1);
  EXPECT_EQ(ranking.community_results(0).community(), "communities/yh-3");
  list.set_filter("");
  list.set_order_by("total desc");
  list.set_page_size(1);
  ASSERT_TRUE(Call(&Stub::ListCommunityResults, server_.stub(), list, &ranking, kCounty).ok());
  EXPECT_EQ(ranking.community_results(0).total().value(), "85.55");
  EXPECT_FALSE(ranking.next_page_token().empty());
  EXPECT_EQ(Call(&Stub::ListCommunityResults, server_.stub(), list, &ranking, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The school result shows 30 % of 87.35 = 26.205 → 26.21 with its source,
  // and the member's late self-assessment flagged.
  av1::GetSchoolResultRequest get;
  get.set_name("evaluationRuns/yh-2024-a/schoolResults/" + Core(1));
  av1::SchoolResult core;
  ASSERT_TRUE(Call(&Stub::GetSchoolResult, server_.stub(), get, &core, kCounty).ok());
  EXPECT_EQ(core.explanation().steps(0).exact_result().value(), "26.205");
  EXPECT_EQ(core.explanation().steps(0).result().value(), "26.21");
  EXPECT_EQ(core.explanation().steps(0).operands(0).source().rfind("reviewScores/", 0), 0u);
  EXPECT_EQ(core.total().value(), "89.21");
  get.set_name("evaluationRuns/yh-2024-a/schoolResults/" + Member(1));
  av1::SchoolResult member;
  ASSERT_TRUE(Call(&Stub::GetSchoolResult, server_.stub(), get, &member, kCounty).ok());
  EXPECT_EQ(member.components(0).status(), av1::COMPONENT_STATUS_SCORED_LATE);
  // Schools see their own results only once the run is finalised.
  EXPECT_EQ(Call(&Stub::GetSchoolResult, server_.stub(), get, &member, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  av1::FinaliseEvaluationRunRequest fin;
  fin.set_name(run.name());
  av1::EvaluationRun final_run;
  EXPECT_EQ(Call(&Stub::FinaliseEvaluationRun, server_.stub(), fin, &final_run, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::FinaliseEvaluationRun, server_.stub(), fin, &final_run, kCounty).ok());
  EXPECT_EQ(final_run.state(), av1::RUN_STATE_FINALISED);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM outbox WHERE event_type = 'gongtong.events.v1.EvaluationRunFinalised'"),
            1);
  EXPECT_TRUE(Call(&Stub::GetSchoolResult, server_.stub(), get, &member, Admin(Member(1))).ok());
  get.set_name("evaluationRuns/yh-2024-a/schoolResults/" + Core(1));
  EXPECT_EQ(Call(&Stub::GetSchoolResult, server_.stub(), get, &member, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A rerun over the same inputs gives the same digest and figures.
  req.set_evaluation_run_id("yh-2024-b");
  av1::EvaluationRun again;
  ASSERT_TRUE(Call(&Stub::CreateEvaluationRun, server_.stub(), req, &again, kCounty).ok());
  EXPECT_EQ(again.inputs_digest(), run.inputs_digest());
}

TEST_F(EvaluationTest, TheExportIsCsvWithABom) {
  ASSERT_TRUE(Declare(1, Core(1), av1::DECLARATION_KIND_PROJECT).ok());
  ScoreCommunity(1, "project", /*member_spring=*/false);
  av1::CreateEvaluationRunRequest req;
  req.mutable_evaluation_run()->set_region_code(kRegion);
  req.mutable_evaluation_run()->set_school_year(2024);
  req.set_evaluation_run_id("yh-2024-x");
  av1::EvaluationRun run;
  ASSERT_TRUE(Call(&Stub::CreateEvaluationRun, server_.stub(), req, &run, kCounty).ok());
  av1::ExportEvaluationResultsRequest exp;
  exp.set_name("evaluationRuns/yh-2024-x");
  exp.set_level(av1::EXPORT_LEVEL_SCHOOL);
  av1::ExportEvaluationResultsResponse csv;
  EXPECT_EQ(Call(&Stub::ExportEvaluationResults, server_.stub(), exp, &csv, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::ExportEvaluationResults, server_.stub(), exp, &csv, kCounty).ok());
  EXPECT_EQ(csv.content().rfind("\xEF\xBB\xBF排名,共同体", 0), 0u);
  EXPECT_EQ(csv.content_type(), "text/csv; charset=utf-8");
  EXPECT_NE(csv.content().find(",缺,"), std::string::npos);  // the missing spring review, never 0
  EXPECT_NE(csv.content().find("\r\n"), std::string::npos);
  // Three communities (yh-2 and yh-3 have no inputs at all), two schools each.
  EXPECT_EQ(csv.row_count(), 9);
}

// A delivered session hosted by community 1's core for its member.
std::string Delivered(const std::string& event_id, const std::string& session, int month) {
  gongtong::events::v1::SessionDelivered delivered;
  auto* s = delivered.mutable_session();
  s->set_name(session);
  s->mutable_host()->set_school("schools/" + Core(1));
  auto* r = s->add_receivers();
  r->set_school("schools/" + Member(1));
  r->set_pairing("communities/yh-1/pairings/p1");
  s->mutable_window()->mutable_date()->set_year(month >= 8 ? 2024 : 2025);
  s->mutable_window()->mutable_date()->set_month(month);
  s->mutable_window()->mutable_date()->set_day(5);
  auto env = events::MakeEvent("booking", "session", session, 3, delivered, "corr-1");
  env.set_event_id(event_id);
  return env.SerializeAsString();
}

TEST_F(EvaluationTest, DeliveredSessionsCountOnceAcrossReplays) {
  redis::Client redis(server_.redis_options());
  const std::string stream = "gongtong:booking:events";
  ASSERT_TRUE(redis.Command({"DEL", stream}).ok());
  auto publish = [&](const std::string& id, const std::string& session, int month) {
    ASSERT_TRUE(redis.Command({"XADD", stream, "*", "event_id", id, "event_type",
                               "gongtong.events.v1.SessionDelivered", "envelope", Delivered(id, session, month)})
                    .ok());
  };
  publish("11111111-1111-4111-8111-111111111111", "sessions/s1", 10);
  publish("11111111-1111-4111-8111-111111111111", "sessions/s1", 10);  // redelivered
  publish("22222222-2222-4222-8222-222222222222", "sessions/s1", 10);  // republished under another id
  publish("33333333-3333-4333-8333-333333333333", "sessions/s2", 3);
  publish("44444444-4444-4444-8444-444444444444", "sessions/s3", 7);   // 2024 school year still (Jul 2025)
  auto drain = [&] {
    auto consumer = MakeIndicatorConsumer(&server_.pool(), server_.redis_options(), "test-1");
    for (int round = 0; round < 10; ++round) {
      auto n = consumer->PollOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0) break;
    }
  };
  const std::string count_sql =
      "SELECT coalesce(sum(event_count), 0) FROM eval_indicator_counts WHERE metric = 1 AND school_year = 2024 AND "
      "subject = ";
  drain();
  EXPECT_EQ(server_.Count(count_sql + "'communities/yh-1/pairings/p1'"), 3);
  EXPECT_EQ(server_.Count(count_sql + "'schools/" + Member(1) + "|communities/yh-1/pairings/p1'"), 3);
  EXPECT_EQ(server_.Count(count_sql + "'schools/" + Core(1) + "|communities/yh-1/pairings/p1'"), 3);
  // Replay the whole stream twice: the same totals as once.
  for (int replay = 0; replay < 2; ++replay) {
    ASSERT_TRUE(redis.Command({"XGROUP", "DESTROY", stream, kIndicatorConsumerGroup}).ok());
    drain();
    EXPECT_EQ(server_.Count(count_sql + "'communities/yh-1/pairings/p1'"), 3);
  }
  // The figure through the API, against the R-SYNC-5 target of 100.
  av1::ListIndicatorValuesRequest req;
  req.set_school_year(2024);
  req.set_filter("metric = COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED AND community = \"communities/yh-1\"");
  av1::ListIndicatorValuesResponse values;
  ASSERT_TRUE(Call(&Stub::ListIndicatorValues, server_.stub(), req, &values, kCounty).ok());
  ASSERT_EQ(values.indicator_values_size(), 1);
  EXPECT_EQ(values.indicator_values(0).subject(), "communities/yh-1/pairings/p1");
  EXPECT_EQ(values.indicator_values(0).value().value(), "3");
  EXPECT_EQ(values.indicator_values(0).target().value(), "100");
  EXPECT_FALSE(values.indicator_values(0).target_met());
  ASSERT_TRUE(Call(&Stub::ListIndicatorValues, server_.stub(), req, &values, kOtherCounty).ok());
  EXPECT_EQ(values.indicator_values_size(), 0);
  EXPECT_EQ(Call(&Stub::ListIndicatorValues, server_.stub(), req, &values, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EvaluationTest, RegistryEventsKeepCommunityAndMemberFacts) {
  redis::Client redis(server_.redis_options());
  const std::string stream = "gongtong:registry:events";
  ASSERT_TRUE(redis.Command({"DEL", stream}).ok());
  auto publish = [&](const google::protobuf::Message& payload, const std::string& aggregate, const std::string& id) {
    auto env = events::MakeEvent("registry", "x", aggregate, 1, payload, "corr-1");
    env.set_event_id(id);
    ASSERT_TRUE(redis.Command({"XADD", stream, "*", "event_id", id, "event_type", env.event_type(), "envelope",
                               env.SerializeAsString()})
                    .ok());
  };
  gongtong::events::v1::CommunityChanged community;
  auto* c = community.mutable_community();
  c->set_name("communities/yh-9");
  c->set_type(COMMUNITY_TYPE_CO_BUILT);
  c->set_region_code(kRegion);
  c->set_core_school("schools/3331083091");
  c->add_members()->set_school("schools/3331083092");
  publish(community, c->name(), "aaaaaaaa-1111-4111-8111-111111111111");
  gongtong::events::v1::TeacherChanged teacher;
  auto* t = teacher.mutable_teacher();
  t->set_name("teachers/t-he");
  t->set_display_name("何静");
  t->set_school("schools/3331083092");
  t->mutable_party_membership()->set_status(gongtong::registry::v1::PARTY_MEMBERSHIP_STATUS_FULL);
  t->mutable_party_membership()->set_organization("partyOrganizations/yh9-branch");
  publish(teacher, t->name(), "aaaaaaaa-2222-4222-8222-222222222222");
  auto consumer = MakeRegistryFactsConsumer(&server_.pool(), server_.redis_options(), "test-1");
  for (int round = 0; round < 10; ++round) {
    auto n = consumer->PollOnce();
    ASSERT_TRUE(n.ok()) << n.status();
    if (*n == 0) break;
  }
  auto fact = store_.GetCommunity("yh-9", "community", pg::NoDeadline());
  ASSERT_TRUE(fact.ok()) << fact.status();
  EXPECT_EQ(fact->core_school_code, "3331083091");
  EXPECT_TRUE(fact->Has("3331083092"));
  PartyStore party(&server_.pool());
  auto member = party.GetMember("t-he", "member", pg::NoDeadline());
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_TRUE(member->IsPartyMember());
  EXPECT_EQ(member->region_code, kRegion);  // the region of her school's community
  EXPECT_EQ(member->party_organization, "partyOrganizations/yh9-branch");
  // The member school may now declare its feature.
  EXPECT_TRUE(Declare(9, "3331083092", av1::DECLARATION_KIND_FEATURE).ok());
}

}  // namespace
}  // namespace gongtong::assessment::testing
