// Listings, reads and edits of community evaluation (issue 5, R-EVAL-3)
// against real PostgreSQL and Redis: runs and school results listed across
// pages with filters, submission statuses per school and component (filed,
// late, draft, missing or not yet due — never a silent zero), declarations,
// self-assessments and review scores read, listed, updated and deleted with
// etags, update masks, request_id replay and each role's wall; a refused
// call writes nothing, and inputs a finalised run used cannot change.
#include <gtest/gtest.h>

#include <set>

#include "evaluation_world.h"

namespace gongtong::assessment::testing {
namespace {

const Caller kTownship{auth::Role::kTownshipHead, "331083101", "", ""};

class EvaluationListsTest : public EvaluationWorld {
 protected:
  EvaluationListsTest() : EvaluationWorld("evallists") {}

  grpc::Status Run(const std::string& id, const std::string& region = kRegion, const Caller& caller = kCounty) {
    av1::CreateEvaluationRunRequest req;
    req.mutable_evaluation_run()->set_region_code(region);
    req.mutable_evaluation_run()->set_school_year(2024);
    req.set_evaluation_run_id(id);
    av1::EvaluationRun run;
    return Call(&Stub::CreateEvaluationRun, server_.stub(), req, &run, caller);
  }

  grpc::Status Finalise(const std::string& id) {
    av1::FinaliseEvaluationRunRequest req;
    req.set_name("evaluationRuns/" + id);
    av1::EvaluationRun run;
    return Call(&Stub::FinaliseEvaluationRun, server_.stub(), req, &run, kCounty);
  }

  // A DRAFT declaration of `school` in community i (not filed).
  av1::Declaration Draft(int i, const std::string& school, av1::DeclarationKind kind, int year = 2024) {
    av1::CreateDeclarationRequest req;
    auto* d = req.mutable_declaration();
    d->set_kind(kind);
    d->set_community("communities/yh-" + std::to_string(i));
    d->set_school("schools/" + school);
    d->set_school_year(year);
    d->set_title("整本书阅读教学帮扶项目");
    av1::Declaration created;
    EXPECT_TRUE(Call(&Stub::CreateDeclaration, server_.stub(), req, &created, Admin(school)).ok());
    return created;
  }

  int64_t Events(const char* type) {
    return server_.Count(std::string("SELECT count(*) FROM outbox WHERE event_type = 'gongtong.events.v1.") + type +
                         "'");
  }
  int64_t Rows(const char* table) { return server_.Count(std::string("SELECT count(*) FROM ") + table); }
  int64_t Versions(const char* table) { return server_.Count(std::string("SELECT sum(version) FROM ") + table); }
};

// ---- runs and school results ----------------------------------------------------

TEST_F(EvaluationListsTest, RunsAreListedInTheCallersRegionAcrossPages) {
  ASSERT_TRUE(Run("yh-a").ok());
  ASSERT_TRUE(Run("yh-b").ok());
  ASSERT_TRUE(Run("yh-c").ok());
  ASSERT_TRUE(Finalise("yh-b").ok());
  ASSERT_TRUE(Run("wl-a", "331024", kOtherCounty).ok());  // another county's

  av1::ListEvaluationRunsRequest req;
  av1::ListEvaluationRunsResponse resp;
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kProvince).ok());
  EXPECT_EQ(resp.total_size(), 4);
  // The county sees its own three, page by page, oldest first.
  req.set_page_size(2);
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty).ok());
  ASSERT_EQ(resp.evaluation_runs_size(), 2);
  EXPECT_EQ(resp.total_size(), 3);
  EXPECT_EQ(resp.evaluation_runs(0).name(), "evaluationRuns/yh-a");
  ASSERT_FALSE(resp.next_page_token().empty());
  req.set_page_token(resp.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty).ok());
  ASSERT_EQ(resp.evaluation_runs_size(), 1);
  EXPECT_EQ(resp.evaluation_runs(0).name(), "evaluationRuns/yh-c");
  EXPECT_TRUE(resp.next_page_token().empty());
  // The token is pinned to its request.
  req.set_filter("school_year = 2024");
  grpc::Status s = Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "page_token"));
  // Filters and order.
  req.Clear();
  req.set_filter("state = RUN_STATE_FINALISED");
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty).ok());
  ASSERT_EQ(resp.evaluation_runs_size(), 1);
  EXPECT_EQ(resp.evaluation_runs(0).name(), "evaluationRuns/yh-b");
  EXPECT_EQ(resp.evaluation_runs(0).state(), av1::RUN_STATE_FINALISED);
  req.set_filter("region_code = 331024");
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty).ok());
  EXPECT_EQ(resp.evaluation_runs_size(), 0);  // outside the county: nothing
  req.set_filter("region_code : 3310");
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kProvince).ok());
  EXPECT_EQ(resp.evaluation_runs_size(), 4);
  req.set_filter("");
  req.set_order_by("create_time desc");
  ASSERT_TRUE(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty).ok());
  EXPECT_EQ(resp.evaluation_runs(0).name(), "evaluationRuns/yh-c");
  // Bad requests name their field.
  struct Bad {
    const char* filter;
    const char* order_by;
    int page_size;
    const char* field;
  };
  for (const Bad& b : {Bad{"state = RUNNING", "", 0, "filter"}, Bad{"rank = 1", "", 0, "filter"},
                       Bad{"", "rank", 0, "order_by"}, Bad{"", "", -1, "page_size"}}) {
    req.set_filter(b.filter);
    req.set_order_by(b.order_by);
    req.set_page_size(b.page_size);
    s = Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, kCounty);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << b.field;
    EXPECT_TRUE(HasField(s, b.field)) << b.field;
  }
  // Schools, teachers and township heads do not list runs.
  req.Clear();
  for (const Caller& c : {Admin(Core(1)), Caller{auth::Role::kTeacher, "", Core(1), "t-1"}, kTownship}) {
    EXPECT_EQ(Call(&Stub::ListEvaluationRuns, server_.stub(), req, &resp, c).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(EvaluationListsTest, SchoolResultsAreListedFilteredAndWalled) {
  ASSERT_TRUE(Declare(1, Core(1), av1::DECLARATION_KIND_PROJECT).ok());
  ScoreCommunity(1, "project");
  ScoreCommunity(2, "project", /*member_spring=*/false);
  ASSERT_TRUE(Run("yh-r").ok());
  av1::ListSchoolResultsRequest req;
  req.set_parent("evaluationRuns/yh-r");
  av1::ListSchoolResultsResponse resp;
  ASSERT_TRUE(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty).ok());
  ASSERT_EQ(resp.school_results_size(), 6);
  EXPECT_EQ(resp.school_results(0).school(), "schools/" + Core(1));  // by school
  struct Row {
    const char* filter;
    int count;
  };
  for (const Row& r : {Row{"community = \"communities/yh-1\"", 2}, Row{"core = true", 3},
                       Row{"complete = false", 3}, Row{"school = \"schools/3331083012\"", 1},
                       Row{"core = false AND complete = true", 1}}) {
    req.set_filter(r.filter);
    ASSERT_TRUE(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty).ok()) << r.filter;
    EXPECT_EQ(resp.school_results_size(), r.count) << r.filter;
  }
  // Best total first, page by page.
  req.set_filter("");
  req.set_order_by("total desc");
  req.set_page_size(4);
  ASSERT_TRUE(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty).ok());
  EXPECT_EQ(resp.school_results(0).school(), "schools/" + Core(1));
  EXPECT_EQ(resp.total_size(), 6);
  req.set_page_token(resp.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty).ok());
  EXPECT_EQ(resp.school_results_size(), 2);
  EXPECT_TRUE(resp.next_page_token().empty());
  req.set_page_token("");
  req.set_filter("core = maybe");
  grpc::Status s = Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "filter"));
  req.set_filter("");
  req.set_parent("evaluationRuns/nope");
  EXPECT_EQ(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  req.set_parent("runs/yh-r");
  EXPECT_TRUE(HasField(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kCounty), "parent"));
  // Another county: nothing; a school: nothing before the run is final, then
  // its own result only.
  req.set_parent("evaluationRuns/yh-r");
  req.set_page_size(0);
  req.set_order_by("");
  EXPECT_EQ(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Finalise("yh-r").ok());
  ASSERT_TRUE(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, Admin(Member(1))).ok());
  ASSERT_EQ(resp.school_results_size(), 1);
  EXPECT_EQ(resp.school_results(0).school(), "schools/" + Member(1));
  EXPECT_EQ(Call(&Stub::ListSchoolResults, server_.stub(), req, &resp, kTownship).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---- submission statuses (R-EVAL-3) ---------------------------------------------

TEST_F(EvaluationListsTest, SubmissionStatusesShowLateAndMissingNeverSilentZeros) {
  // Core 1: project filed; autumn self-assessment filed after 10 Nov 2024
  // (late); spring only a draft; nothing for the project. Member 1: nothing.
  ASSERT_TRUE(Declare(1, Core(1), av1::DECLARATION_KIND_PROJECT).ok());
  av1::SelfAssessment autumn, spring;
  ASSERT_TRUE(SelfAssess(1, Core(1), "regular_autumn", "88", &autumn).ok());
  av1::SubmitSelfAssessmentRequest submit;
  submit.set_name(autumn.name());
  ASSERT_TRUE(Call(&Stub::SubmitSelfAssessment, server_.stub(), submit, &autumn, Admin(Core(1))).ok());
  ASSERT_TRUE(SelfAssess(1, Core(1), "regular_spring", "80", &spring).ok());

  av1::ListSubmissionStatusesRequest req;
  req.set_scope("communities/yh-1");
  req.set_school_year(2024);
  av1::ListSubmissionStatusesResponse resp;
  ASSERT_TRUE(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, kCounty).ok());
  ASSERT_EQ(resp.entries_size(), 8);  // per school: declaration, autumn, spring, year end
  struct Row {
    int index;
    std::string school;
    av1::FilingKind kind;
    const char* component;
    av1::SubmissionStatus status;
    std::string resource;
  };
  const Row rows[] = {
      {0, Core(1), av1::FILING_KIND_DECLARATION, "", av1::SUBMISSION_STATUS_ON_TIME, "declarations/"},
      {1, Core(1), av1::FILING_KIND_SELF_ASSESSMENT, "regular_autumn", av1::SUBMISSION_STATUS_LATE, autumn.name()},
      {2, Core(1), av1::FILING_KIND_SELF_ASSESSMENT, "regular_spring", av1::SUBMISSION_STATUS_MISSING, spring.name()},
      {3, Core(1), av1::FILING_KIND_SELF_ASSESSMENT, "project", av1::SUBMISSION_STATUS_MISSING, ""},
      {4, Member(1), av1::FILING_KIND_DECLARATION, "", av1::SUBMISSION_STATUS_MISSING, ""},
      {7, Member(1), av1::FILING_KIND_SELF_ASSESSMENT, "project", av1::SUBMISSION_STATUS_MISSING, ""},
  };
  for (const Row& r : rows) {
    const auto& e = resp.entries(r.index);
    EXPECT_EQ(e.school(), "schools/" + r.school) << r.index;
    EXPECT_EQ(e.community(), "communities/yh-1") << r.index;
    EXPECT_EQ(e.kind(), r.kind) << r.index;
    EXPECT_EQ(e.component_id(), r.component) << r.index;
    EXPECT_EQ(e.status(), r.status) << r.index;
    EXPECT_EQ(e.filed_resource().rfind(r.resource, 0), 0u) << r.index;
  }
  EXPECT_TRUE(resp.entries(1).filing().late());
  // Filters.
  req.set_filter("status = SUBMISSION_STATUS_LATE");
  ASSERT_TRUE(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, kCounty).ok());
  ASSERT_EQ(resp.entries_size(), 1);
  EXPECT_EQ(resp.entries(0).component_id(), "regular_autumn");
  req.set_filter("status != SUBMISSION_STATUS_MISSING");
  ASSERT_TRUE(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, kCounty).ok());
  EXPECT_EQ(resp.entries_size(), 2);
  req.set_filter("kind = FILING_KIND_DECLARATION AND school = \"schools/" + Member(1) + "\"");
  ASSERT_TRUE(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, kCounty).ok());
  EXPECT_EQ(resp.entries_size(), 1);
  // The county's region over pages: 3 communities × 2 schools × 4 filings
  // (collaborative: no feature, but a project).
  req.set_scope(std::string("regions/") + kRegion);
  req.set_filter("");
  req.set_page_size(10);
  std::set<std::string> seen;
  int pages = 0;
  do {
    ASSERT_TRUE(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, kCounty).ok());
    EXPECT_EQ(resp.total_size(), 24);
    for (const auto& e : resp.entries()) seen.insert(e.school() + e.community() + e.component_id());
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!req.page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 24u);
  // A school sees its own filings; a year far ahead is not yet due; a
  // member's feature declaration makes its year end the feature.
  req.Clear();
  req.set_scope("schools/" + Member(1));
  req.set_school_year(2100);
  Draft(1, Member(1), av1::DECLARATION_KIND_FEATURE, 2100);
  ASSERT_TRUE(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, Admin(Member(1))).ok());
  ASSERT_EQ(resp.entries_size(), 4);
  EXPECT_EQ(resp.entries(0).status(), av1::SUBMISSION_STATUS_DRAFT);
  EXPECT_EQ(resp.entries(1).status(), av1::SUBMISSION_STATUS_NOT_YET_DUE);
  EXPECT_EQ(resp.entries(3).component_id(), "feature");
  // Walls.
  struct Wall {
    const char* scope;
    Caller caller;
  };
  for (const Wall& w : {Wall{"schools/3331083011", Admin(Member(1))}, Wall{"regions/331083", Admin(Member(1))},
                        Wall{"regions/331083", kOtherCounty}, Wall{"communities/yh-1", kOtherCounty},
                        Wall{"communities/yh-1", Admin(Core(1))}, Wall{"regions/331083", kTownship}}) {
    req.set_scope(w.scope);
    EXPECT_EQ(Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, w.caller).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << w.scope;
  }
  // Bad requests.
  struct Bad {
    const char* scope;
    int year;
    const char* filter;
    int page_size;
    const char* field;
  };
  for (const Bad& b : {Bad{"counties/331083", 2024, "", 0, "scope"}, Bad{"regions/331083", 0, "", 0, "school_year"},
                       Bad{"regions/331083", 2024, "status = LATE", 0, "filter"},
                       Bad{"regions/331083", 2024, "", -1, "page_size"}}) {
    req.set_scope(b.scope);
    req.set_school_year(b.year);
    req.set_filter(b.filter);
    req.set_page_size(b.page_size);
    grpc::Status s = Call(&Stub::ListSubmissionStatuses, server_.stub(), req, &resp, kCounty);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << b.field;
    EXPECT_TRUE(HasField(s, b.field)) << b.field;
  }
}

// ---- declarations -----------------------------------------------------------------

TEST_F(EvaluationListsTest, DeclarationsAreReadListedUpdatedAndDeleted) {
  av1::Declaration d1 = Draft(1, Core(1), av1::DECLARATION_KIND_PROJECT);
  av1::Declaration d2 = Draft(1, Member(1), av1::DECLARATION_KIND_FEATURE);
  av1::Declaration d3 = Draft(2, Core(2), av1::DECLARATION_KIND_PROJECT);
  ASSERT_TRUE(Declare(3, Core(3), av1::DECLARATION_KIND_PROJECT).ok());  // filed
  // Get: the school, the county; not another school or county.
  av1::GetDeclarationRequest get;
  get.set_name(d1.name());
  av1::Declaration got;
  ASSERT_TRUE(Call(&Stub::GetDeclaration, server_.stub(), get, &got, Admin(Core(1))).ok());
  EXPECT_EQ(got.title(), d1.title());
  EXPECT_EQ(got.etag(), "1");
  ASSERT_TRUE(Call(&Stub::GetDeclaration, server_.stub(), get, &got, kCounty).ok());
  for (const Caller& c : {Admin(Member(1)), kOtherCounty, kTownship}) {
    EXPECT_EQ(Call(&Stub::GetDeclaration, server_.stub(), get, &got, c).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  get.set_name("declarations/none");
  EXPECT_EQ(Call(&Stub::GetDeclaration, server_.stub(), get, &got, kCounty).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("decl/none");
  EXPECT_TRUE(HasField(Call(&Stub::GetDeclaration, server_.stub(), get, &got, kCounty), "name"));
  // List: the county sees all four, a school its own, paging and filters.
  av1::ListDeclarationsRequest list;
  av1::ListDeclarationsResponse page;
  list.set_page_size(3);
  list.set_order_by("school");
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.total_size(), 4);
  ASSERT_EQ(page.declarations_size(), 3);
  EXPECT_EQ(page.declarations(0).name(), d1.name());
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty).ok());
  ASSERT_EQ(page.declarations_size(), 1);
  EXPECT_EQ(page.declarations(0).school(), "schools/" + Core(3));
  list.Clear();
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, Admin(Member(1))).ok());
  ASSERT_EQ(page.declarations_size(), 1);
  EXPECT_EQ(page.declarations(0).name(), d2.name());
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kOtherCounty).ok());
  EXPECT_EQ(page.declarations_size(), 0);
  struct Row {
    const char* filter;
    int count;
  };
  for (const Row& r : {Row{"kind = DECLARATION_KIND_FEATURE", 1}, Row{"state = FILING_STATE_FILED", 1},
                       Row{"community = \"communities/yh-1\"", 2}, Row{"school_year = 2025", 0},
                       Row{"region_code : 3310", 4}, Row{"late = false AND state = FILING_STATE_DRAFT", 3}}) {
    list.set_filter(r.filter);
    ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty).ok()) << r.filter;
    EXPECT_EQ(page.declarations_size(), r.count) << r.filter;
  }
  list.set_filter("kind = PROJECT");
  EXPECT_TRUE(HasField(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty), "filter"));
  list.set_filter("");
  list.set_page_size(-1);
  EXPECT_TRUE(HasField(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty), "page_size"));
  list.set_page_size(0);
  EXPECT_EQ(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kTownship).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Update: mask, etag, walls; nothing written on refusal.
  const int64_t before = Versions("eval_declarations");
  av1::UpdateDeclarationRequest upd;
  upd.mutable_declaration()->set_name(d1.name());
  upd.mutable_declaration()->set_title("课堂观察互助项目");
  upd.mutable_declaration()->set_etag("1");
  upd.mutable_update_mask()->add_paths("colour");
  av1::Declaration updated;
  grpc::Status s = Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(1)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "school");  // immutable
  EXPECT_TRUE(HasField(Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(1))),
                       "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "title");
  EXPECT_EQ(Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, kCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  upd.mutable_declaration()->set_etag("7");
  s = Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(1)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(HasField(s, "etag"));
  upd.mutable_declaration()->set_title("");
  upd.mutable_declaration()->set_etag("1");
  EXPECT_TRUE(HasField(Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(1))),
                       "declaration.title"));
  EXPECT_EQ(Versions("eval_declarations"), before);
  upd.mutable_declaration()->set_title("课堂观察互助项目");
  upd.set_request_id("6f1c3a52-8f7e-4d36-9e5b-1a2b3c4d5e6f");
  ASSERT_TRUE(Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(1))).ok());
  EXPECT_EQ(updated.title(), "课堂观察互助项目");
  EXPECT_EQ(updated.etag(), "2");
  av1::Declaration replayed;
  ASSERT_TRUE(Call(&Stub::UpdateDeclaration, server_.stub(), upd, &replayed, Admin(Core(1))).ok());
  EXPECT_EQ(replayed.etag(), "2");  // the first answer, not a second change
  EXPECT_EQ(Versions("eval_declarations"), before + 1);
  EXPECT_EQ(Events("EvaluationInputChanged"), 1);  // refusals and the replay publish nothing
  // A filed declaration is read-only.
  upd.set_request_id("");
  av1::ListDeclarationsRequest filed_req;
  filed_req.set_filter("state = FILING_STATE_FILED");
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), filed_req, &page, kCounty).ok());
  ASSERT_EQ(page.declarations_size(), 1);
  upd.mutable_declaration()->set_name(page.declarations(0).name());
  upd.mutable_declaration()->set_etag("");
  s = Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(3)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "ALREADY_FILED");

  // Delete: soft, hidden from lists unless asked, read-only afterwards.
  av1::DeleteDeclarationRequest del;
  del.set_name(d3.name());
  del.set_etag("9");
  av1::Declaration deleted;
  EXPECT_EQ(Call(&Stub::DeleteDeclaration, server_.stub(), del, &deleted, Admin(Core(2))).error_code(),
            grpc::StatusCode::ABORTED);
  del.set_etag("");
  EXPECT_EQ(Call(&Stub::DeleteDeclaration, server_.stub(), del, &deleted, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::DeleteDeclaration, server_.stub(), del, &deleted, Admin(Core(2))).ok());
  EXPECT_TRUE(deleted.audit().has_delete_time());
  EXPECT_EQ(Rows("eval_declarations"), 4);  // kept for history
  EXPECT_EQ(Events("EvaluationInputChanged"), 2);
  list.Clear();
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.declarations_size(), 3);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListDeclarations, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.declarations_size(), 4);
  get.set_name(d3.name());
  ASSERT_TRUE(Call(&Stub::GetDeclaration, server_.stub(), get, &got, kCounty).ok());
  EXPECT_TRUE(got.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::DeleteDeclaration, server_.stub(), del, &deleted, Admin(Core(2))).error_code(),
            grpc::StatusCode::NOT_FOUND);
  upd.mutable_declaration()->set_name(d3.name());
  s = Call(&Stub::UpdateDeclaration, server_.stub(), upd, &updated, Admin(Core(2)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "INPUT_DELETED");
  // The school may declare again once the draft is deleted.
  Draft(2, Core(2), av1::DECLARATION_KIND_PROJECT);
}

// ---- self-assessments ---------------------------------------------------------------

TEST_F(EvaluationListsTest, SelfAssessmentsChangeOnlyWhileDrafts) {
  av1::SelfAssessment a, b;
  ASSERT_TRUE(SelfAssess(1, Core(1), "regular_autumn", "80", &a).ok());
  ASSERT_TRUE(SelfAssess(1, Member(1), "regular_autumn", "70", &b).ok());
  av1::GetSelfAssessmentRequest get;
  get.set_name(a.name());
  av1::SelfAssessment got;
  ASSERT_TRUE(Call(&Stub::GetSelfAssessment, server_.stub(), get, &got, Admin(Core(1))).ok());
  EXPECT_EQ(got.total().value(), "80");
  EXPECT_EQ(Call(&Stub::GetSelfAssessment, server_.stub(), get, &got, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::GetSelfAssessment, server_.stub(), get, &got, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  av1::ListSelfAssessmentsRequest list;
  av1::ListSelfAssessmentsResponse page;
  list.set_filter("component_id = regular_autumn AND scheme = \"" + std::string(kDefault) + "\"");
  list.set_page_size(1);
  ASSERT_TRUE(Call(&Stub::ListSelfAssessments, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.total_size(), 2);
  EXPECT_EQ(page.self_assessments(0).name(), a.name());
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListSelfAssessments, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.self_assessments(0).name(), b.name());
  list.Clear();
  ASSERT_TRUE(Call(&Stub::ListSelfAssessments, server_.stub(), list, &page, Admin(Member(1))).ok());
  ASSERT_EQ(page.self_assessments_size(), 1);
  list.set_order_by("total");
  EXPECT_TRUE(HasField(Call(&Stub::ListSelfAssessments, server_.stub(), list, &page, kCounty), "order_by"));

  // The total is recomputed from the new scores; a bad score writes nothing.
  av1::UpdateSelfAssessmentRequest upd;
  upd.mutable_self_assessment()->set_name(a.name());
  upd.mutable_self_assessment()->add_scores()->mutable_score()->set_value("120");
  upd.mutable_update_mask()->add_paths("scores");
  av1::SelfAssessment updated;
  grpc::Status s = Call(&Stub::UpdateSelfAssessment, server_.stub(), upd, &updated, Admin(Core(1)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "self_assessment.scores[0].score"));
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_self_assessments WHERE version > 1"), 0);
  upd.mutable_self_assessment()->mutable_scores(0)->mutable_score()->set_value("91.5");
  EXPECT_EQ(Call(&Stub::UpdateSelfAssessment, server_.stub(), upd, &updated, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  upd.mutable_update_mask()->set_paths(0, "component_id");
  EXPECT_TRUE(HasField(Call(&Stub::UpdateSelfAssessment, server_.stub(), upd, &updated, Admin(Core(1))),
                       "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "scores");
  upd.mutable_self_assessment()->set_etag("5");
  EXPECT_EQ(Call(&Stub::UpdateSelfAssessment, server_.stub(), upd, &updated, Admin(Core(1))).error_code(),
            grpc::StatusCode::ABORTED);
  upd.mutable_self_assessment()->set_etag("1");
  ASSERT_TRUE(Call(&Stub::UpdateSelfAssessment, server_.stub(), upd, &updated, Admin(Core(1))).ok());
  EXPECT_EQ(updated.total().value(), "91.5");
  EXPECT_EQ(updated.etag(), "2");
  // Submitted: read-only.
  av1::SubmitSelfAssessmentRequest submit;
  submit.set_name(a.name());
  ASSERT_TRUE(Call(&Stub::SubmitSelfAssessment, server_.stub(), submit, &got, Admin(Core(1))).ok());
  upd.mutable_self_assessment()->set_etag("");
  s = Call(&Stub::UpdateSelfAssessment, server_.stub(), upd, &updated, Admin(Core(1)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "ALREADY_FILED");
  list.Clear();
  list.set_filter("state = FILING_STATE_FILED AND late = true");
  ASSERT_TRUE(Call(&Stub::ListSelfAssessments, server_.stub(), list, &page, kCounty).ok());
  ASSERT_EQ(page.self_assessments_size(), 1);
  EXPECT_EQ(page.self_assessments(0).total().value(), "91.5");
}

// ---- review scores --------------------------------------------------------------------

TEST_F(EvaluationListsTest, ReviewScoresAreFrozenOnceAFinalisedRunUsedThem) {
  av1::ReviewScore r1, r2;
  ASSERT_TRUE(Review(1, Core(1), "regular_autumn", "87.35", kCounty, &r1).ok());
  ASSERT_TRUE(Review(1, Member(1), "regular_autumn", "80", kCounty, &r2).ok());
  // Schools do not read review scores before a finalised run.
  av1::GetReviewScoreRequest get;
  get.set_name(r1.name());
  av1::ReviewScore got;
  ASSERT_TRUE(Call(&Stub::GetReviewScore, server_.stub(), get, &got, kCounty).ok());
  EXPECT_EQ(got.total().value(), "87.35");
  EXPECT_EQ(Call(&Stub::GetReviewScore, server_.stub(), get, &got, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::GetReviewScore, server_.stub(), get, &got, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  av1::ListReviewScoresRequest list;
  av1::ListReviewScoresResponse page;
  ASSERT_TRUE(Call(&Stub::ListReviewScores, server_.stub(), list, &page, Admin(Core(1))).ok());
  EXPECT_EQ(page.review_scores_size(), 0);
  list.set_filter("school = \"schools/" + Member(1) + "\"");
  ASSERT_TRUE(Call(&Stub::ListReviewScores, server_.stub(), list, &page, kCounty).ok());
  ASSERT_EQ(page.review_scores_size(), 1);
  EXPECT_EQ(page.review_scores(0).name(), r2.name());
  list.set_filter("method = REVIEW_METHOD_ON_SITE AND component_id = regular_autumn");
  ASSERT_TRUE(Call(&Stub::ListReviewScores, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.review_scores_size(), 2);
  list.set_filter("method = REVIEW_METHOD_PANEL");
  ASSERT_TRUE(Call(&Stub::ListReviewScores, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.review_scores_size(), 0);
  list.set_filter("method = ON_SITE");
  EXPECT_TRUE(HasField(Call(&Stub::ListReviewScores, server_.stub(), list, &page, kCounty), "filter"));

  // Update by the county; not by a school or another county.
  av1::UpdateReviewScoreRequest upd;
  upd.mutable_review_score()->set_name(r1.name());
  upd.mutable_review_score()->add_scores()->mutable_score()->set_value("88");
  upd.mutable_update_mask()->add_paths("scores");
  av1::ReviewScore updated;
  EXPECT_EQ(Call(&Stub::UpdateReviewScore, server_.stub(), upd, &updated, Admin(Core(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::UpdateReviewScore, server_.stub(), upd, &updated, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  upd.mutable_update_mask()->set_paths(0, "total");
  EXPECT_TRUE(HasField(Call(&Stub::UpdateReviewScore, server_.stub(), upd, &updated, kCounty), "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "scores");
  ASSERT_TRUE(Call(&Stub::UpdateReviewScore, server_.stub(), upd, &updated, kCounty).ok());
  EXPECT_EQ(updated.total().value(), "88");
  upd.mutable_review_score()->set_etag("1");  // stale now
  EXPECT_EQ(Call(&Stub::UpdateReviewScore, server_.stub(), upd, &updated, kCounty).error_code(),
            grpc::StatusCode::ABORTED);
  // Delete: soft; the school and component can be reviewed again.
  av1::DeleteReviewScoreRequest del;
  del.set_name(r2.name());
  av1::ReviewScore deleted;
  EXPECT_EQ(Call(&Stub::DeleteReviewScore, server_.stub(), del, &deleted, Admin(Member(1))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::DeleteReviewScore, server_.stub(), del, &deleted, kCounty).ok());
  EXPECT_TRUE(deleted.audit().has_delete_time());
  list.Clear();
  ASSERT_TRUE(Call(&Stub::ListReviewScores, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.review_scores_size(), 1);
  ASSERT_TRUE(Review(1, Member(1), "regular_autumn", "81", kCounty, &r2).ok());

  // A finalised run used them: frozen, and the finalised figure stays.
  ASSERT_TRUE(Run("yh-f").ok());
  ASSERT_TRUE(Finalise("yh-f").ok());
  upd.mutable_review_score()->set_etag("");
  upd.mutable_review_score()->mutable_scores(0)->mutable_score()->set_value("10");
  grpc::Status s = Call(&Stub::UpdateReviewScore, server_.stub(), upd, &updated, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "USED_BY_FINALISED_RUN");
  del.set_name(r1.name());
  EXPECT_EQ(Call(&Stub::DeleteReviewScore, server_.stub(), del, &deleted, kCounty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(server_.Count("SELECT count(*) FROM eval_review_scores WHERE total = '88' AND deleted_at IS NULL"), 1);
  EXPECT_EQ(Events("EvaluationInputChanged"), 2);  // the update and the delete before the final run
  // Now the school reads its own scores, nobody else's.
  ASSERT_TRUE(Call(&Stub::GetReviewScore, server_.stub(), get, &got, Admin(Core(1))).ok());
  ASSERT_TRUE(Call(&Stub::ListReviewScores, server_.stub(), list, &page, Admin(Core(1))).ok());
  ASSERT_EQ(page.review_scores_size(), 1);
  EXPECT_EQ(page.review_scores(0).school(), "schools/" + Core(1));
}

// ---- schemes ------------------------------------------------------------------------

TEST_F(EvaluationListsTest, OnlyDraftSchemesChangeAndStillSumTo100) {
  av1::GetEvaluationSchemeRequest get;
  get.set_name(kDefault);
  av1::EvaluationScheme yuhuan;
  ASSERT_TRUE(Call(&Stub::GetEvaluationScheme, server_.stub(), get, &yuhuan, kCounty).ok());
  av1::CreateEvaluationSchemeRequest create;
  *create.mutable_evaluation_scheme() = yuhuan;
  create.mutable_evaluation_scheme()->set_region_code(kRegion);
  create.mutable_evaluation_scheme()->set_school_year(2024);
  create.set_evaluation_scheme_id("yh-2024");
  av1::EvaluationScheme draft, second;
  ASSERT_TRUE(Call(&Stub::CreateEvaluationScheme, server_.stub(), create, &draft, kCounty).ok());
  create.set_evaluation_scheme_id("yh-2024-b");
  ASSERT_TRUE(Call(&Stub::CreateEvaluationScheme, server_.stub(), create, &second, kCounty).ok());

  // Listing: every role reads, the built-in default included.
  av1::ListEvaluationSchemesRequest list;
  av1::ListEvaluationSchemesResponse page;
  list.set_page_size(2);
  ASSERT_TRUE(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, Admin(Core(1))).ok());
  EXPECT_EQ(page.total_size(), 3);
  ASSERT_EQ(page.evaluation_schemes_size(), 2);
  EXPECT_EQ(page.evaluation_schemes(0).name(), kDefault);  // region "" first
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, Admin(Core(1))).ok());
  ASSERT_EQ(page.evaluation_schemes_size(), 1);
  EXPECT_EQ(page.evaluation_schemes(0).version(), 2);
  list.Clear();
  struct Row {
    const char* filter;
    int count;
  };
  for (const Row& r : {Row{"state = SCHEME_STATE_DRAFT", 2}, Row{"region_code : 3310", 2},
                       Row{"region_code = 331083 AND school_year = 2024", 2}, Row{"school_year = 2030", 0}}) {
    list.set_filter(r.filter);
    ASSERT_TRUE(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, kCounty).ok()) << r.filter;
    EXPECT_EQ(page.evaluation_schemes_size(), r.count) << r.filter;
  }
  list.set_filter("state = LIVE");
  EXPECT_TRUE(HasField(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, kCounty), "filter"));
  list.set_filter("");
  list.set_order_by("version");
  EXPECT_TRUE(HasField(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, kCounty), "order_by"));
  list.set_order_by("");
  list.set_page_size(-1);
  EXPECT_TRUE(HasField(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, kCounty), "page_size"));

  // Update: weights must still sum to 100 %; bad masks, stale etags and other
  // units refused; nothing written by a refusal.
  const int64_t before = Versions("eval_schemes");
  av1::UpdateEvaluationSchemeRequest upd;
  *upd.mutable_evaluation_scheme() = draft;
  upd.mutable_evaluation_scheme()->mutable_components(0)->mutable_share()->set_value("35");
  upd.mutable_update_mask()->add_paths("components");
  av1::EvaluationScheme updated;
  grpc::Status s = Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(s), "SCHEME_INVALID");
  EXPECT_TRUE(HasField(s, "evaluation_scheme.components"));
  upd.mutable_evaluation_scheme()->mutable_components(0)->mutable_share()->set_value("30");
  upd.mutable_evaluation_scheme()->set_display_name("玉环市2024学年共同体考核方案");
  upd.mutable_update_mask()->set_paths(0, "region_code");
  EXPECT_TRUE(HasField(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kCounty),
                       "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "colour");
  EXPECT_TRUE(HasField(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kCounty),
                       "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "display_name");
  for (const Caller& c : {kOtherCounty, Admin(Core(1)), kTownship}) {
    EXPECT_EQ(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, c).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  upd.mutable_evaluation_scheme()->set_etag("9");
  EXPECT_EQ(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kCounty).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(Versions("eval_schemes"), before);
  upd.mutable_evaluation_scheme()->set_etag(draft.etag());
  upd.set_request_id("0b8e2f4c-8d55-4c5f-9a6e-2c3d4e5f6a7b");
  ASSERT_TRUE(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kCounty).ok());
  EXPECT_EQ(updated.display_name(), "玉环市2024学年共同体考核方案");
  EXPECT_EQ(updated.state(), av1::SCHEME_STATE_DRAFT);
  av1::EvaluationScheme replayed;
  ASSERT_TRUE(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &replayed, kCounty).ok());
  EXPECT_EQ(replayed.etag(), updated.etag());
  EXPECT_EQ(Versions("eval_schemes"), before + 1);
  EXPECT_EQ(Events("EvaluationSchemeChanged"), 1);

  // Published and built-in schemes are immutable.
  av1::PublishEvaluationSchemeRequest pub;
  pub.set_name(draft.name());
  av1::EvaluationScheme published;
  ASSERT_TRUE(Call(&Stub::PublishEvaluationScheme, server_.stub(), pub, &published, kCounty).ok());
  upd.set_request_id("");
  upd.mutable_evaluation_scheme()->set_etag("");
  s = Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kCounty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "SCHEME_READ_ONLY");
  av1::DeleteEvaluationSchemeRequest del;
  del.set_name(draft.name());
  av1::EvaluationScheme deleted;
  EXPECT_EQ(Call(&Stub::DeleteEvaluationScheme, server_.stub(), del, &deleted, kCounty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  upd.mutable_evaluation_scheme()->set_name(kDefault);
  EXPECT_EQ(Call(&Stub::UpdateEvaluationScheme, server_.stub(), upd, &updated, kProvince).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Delete a draft: soft, hidden, never published, gone for a second delete.
  del.set_name(second.name());
  EXPECT_EQ(Call(&Stub::DeleteEvaluationScheme, server_.stub(), del, &deleted, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::DeleteEvaluationScheme, server_.stub(), del, &deleted, kCounty).ok());
  EXPECT_TRUE(deleted.audit().has_delete_time());
  EXPECT_EQ(Rows("eval_schemes"), 2);
  EXPECT_EQ(Events("EvaluationSchemeChanged"), 2);
  list.Clear();
  ASSERT_TRUE(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.evaluation_schemes_size(), 2);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListEvaluationSchemes, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.evaluation_schemes_size(), 3);
  EXPECT_EQ(Call(&Stub::DeleteEvaluationScheme, server_.stub(), del, &deleted, kCounty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pub.set_name(second.name());
  EXPECT_EQ(Call(&Stub::PublishEvaluationScheme, server_.stub(), pub, &published, kCounty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  get.set_name(second.name());
  ASSERT_TRUE(Call(&Stub::GetEvaluationScheme, server_.stub(), get, &yuhuan, kCounty).ok());
  EXPECT_TRUE(yuhuan.audit().has_delete_time());
}

}  // namespace
}  // namespace gongtong::assessment::testing
