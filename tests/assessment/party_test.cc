// Party points (issue 5 "Party points", R-PARTY-1) against real PostgreSQL
// and Redis: the route, checkpoints passed in order up to Yan'an, a duplicate
// checkpoint refused (also under concurrent requests), nothing half-applied,
// access per unit, request_id retries, revocation, standings with shared
// ranks. Members' Party facts are seeded through PartyStore::UpsertMember,
// the path the registry's TeacherChanged events take.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "assessment/storage/party_store.h"
#include "assessment_test_server.h"

namespace gongtong::assessment::testing {
namespace {

constexpr char kSchool[] = "3133102401";
constexpr char kOtherSchool[] = "3133102409";
constexpr char kBranch[] = "partyOrganizations/xj1-branch";
constexpr char kOtherBranch[] = "partyOrganizations/xj9-branch";
const Caller kAdmin{auth::Role::kSchoolAdmin, "", kSchool, ""};
const Caller kOtherAdmin{auth::Role::kSchoolAdmin, "", kOtherSchool, ""};
const Caller kCounty{auth::Role::kCountyBureau, "331024", "", ""};
const Caller kOtherCounty{auth::Role::kCountyBureau, "331081", "", ""};
const Caller kTeacherLi{auth::Role::kTeacher, "", kSchool, "t-li"};
const Caller kTeacherZhao{auth::Role::kTeacher, "", kOtherSchool, "t-zhao"};

class PartyTest : public ::testing::Test {
 protected:
  PartyTest() : server_("party"), store_(&server_.pool()) {
    Member("t-li", "李明", kSchool, kBranch, 3);
    Member("t-wang", "王芳", kSchool, kBranch, 2);
    Member("t-zhang", "张伟", kSchool, kBranch, 3);
    Member("t-chen", "陈静", kSchool, "", 1);  // not a Party member
    Member("t-zhao", "赵磊", kOtherSchool, kOtherBranch, 3);
  }

  void Member(const char* id, const char* name, const char* school, const char* org, int membership) {
    PartyMember m{id, name, school, "331024", org, membership, true};
    ASSERT_TRUE(store_.UpsertMember(m, pg::NoDeadline()).ok());
  }

  grpc::Status Pass(const std::string& teacher, int ordinal, av1::CheckpointRecord* out,
                    const Caller& caller = kAdmin, const std::string& request_id = "",
                    const std::string& id = "") {
    av1::CreateCheckpointRecordRequest req;
    auto* r = req.mutable_checkpoint_record();
    r->set_member("teachers/" + teacher);
    r->set_campaign_year(2025);
    r->set_ordinal(ordinal);
    r->set_achievement("带领青年教师完成校本课程开发");
    r->mutable_award_date()->set_year(2025);
    r->mutable_award_date()->set_month(3);
    r->mutable_award_date()->set_day(ordinal);
    req.set_request_id(request_id);
    req.set_checkpoint_record_id(id);
    return Call(&Stub::CreateCheckpointRecord, server_.stub(), req, out, caller);
  }

  grpc::Status CreatePost(const std::string& id, int max_holders, const Caller& caller,
                          av1::DemonstrationPost* created = nullptr) {
    av1::CreateDemonstrationPostRequest req;
    req.set_parent(std::string("schools/") + kSchool);
    req.set_demonstration_post_id(id);
    req.mutable_demonstration_post()->set_display_name(id == "civility" ? "文明创建岗" : "心理咨询岗");
    req.mutable_demonstration_post()->set_party_organization(kBranch);
    req.mutable_demonstration_post()->set_max_holders(max_holders);
    av1::DemonstrationPost out;
    return Call(&Stub::CreateDemonstrationPost, server_.stub(), req, created != nullptr ? created : &out, caller);
  }

  grpc::Status Assign(const std::string& post, const std::string& teacher, av1::PostAssignment* out) {
    av1::CreatePostAssignmentRequest req;
    req.set_parent(std::string("schools/") + kSchool + "/demonstrationPosts/" + post);
    req.mutable_post_assignment()->set_member("teachers/" + teacher);
    req.mutable_post_assignment()->set_basis("擅长班级文化建设");
    req.mutable_post_assignment()->mutable_start_date()->set_year(2025);
    req.mutable_post_assignment()->mutable_start_date()->set_month(3);
    req.mutable_post_assignment()->mutable_start_date()->set_day(1);
    return Call(&Stub::CreatePostAssignment, server_.stub(), req, out, kAdmin);
  }

  int64_t Records() { return server_.Count("SELECT count(*) FROM party_checkpoint_records WHERE deleted_at IS NULL"); }
  int64_t Events(const char* type) {
    return server_.Count(std::string("SELECT count(*) FROM outbox WHERE event_type = 'gongtong.events.v1.") + type +
                         "'");
  }

  AssessmentServer server_;
  PartyStore store_;
};

TEST_F(PartyTest, TheRouteHasTwelveCheckpointsToYanan) {
  av1::ListLongMarchCheckpointsResponse resp;
  ASSERT_TRUE(Call(&Stub::ListLongMarchCheckpoints, server_.stub(), av1::ListLongMarchCheckpointsRequest(), &resp,
                   kTeacherLi)
                  .ok());
  ASSERT_EQ(resp.checkpoints_size(), 12);
  EXPECT_EQ(resp.checkpoints(11).display_name(), "延安");
  EXPECT_EQ(resp.checkpoints(11).cumulative_points(), 96);
}

TEST_F(PartyTest, AMemberMarchesToYananInOrder) {
  for (int i = 1; i <= 12; ++i) {
    av1::CheckpointRecord r;
    const grpc::Status s = Pass("t-li", i, &r);
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
    EXPECT_EQ(r.points(), 8);
    EXPECT_EQ(r.party_organization(), kBranch);
    EXPECT_FALSE(r.etag().empty());
  }
  EXPECT_EQ(Events("CheckpointPassed"), 12);
  av1::ListLongMarchStandingsRequest req;
  req.set_party_organization(kBranch);
  req.set_campaign_year(2025);
  av1::ListLongMarchStandingsResponse resp;
  ASSERT_TRUE(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kAdmin).ok());
  ASSERT_EQ(resp.standings_size(), 3);  // members only; 陈静 is not one
  EXPECT_EQ(resp.standings(0).member(), "teachers/t-li");
  EXPECT_EQ(resp.standings(0).points(), 96);
  EXPECT_TRUE(resp.standings(0).arrived_yanan());
  // 张伟 and 王芳 have 0 points: they share rank 2.
  EXPECT_EQ(resp.standings(1).rank(), 2);
  EXPECT_EQ(resp.standings(2).rank(), 2);
  EXPECT_EQ(resp.total_size(), 3);
  // Page by page, the token pinned to the request.
  req.set_page_size(2);
  ASSERT_TRUE(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kAdmin).ok());
  ASSERT_EQ(resp.standings_size(), 2);
  ASSERT_FALSE(resp.next_page_token().empty());
  req.set_page_token(resp.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kAdmin).ok());
  ASSERT_EQ(resp.standings_size(), 1);
  EXPECT_EQ(resp.standings(0).rank(), 2);
  EXPECT_TRUE(resp.next_page_token().empty());
  req.set_campaign_year(2024);
  EXPECT_TRUE(HasField(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kAdmin), "page_token"));
}

TEST_F(PartyTest, BadCheckpointsAreRefusedAndChangeNothing) {
  av1::CheckpointRecord r;
  ASSERT_TRUE(Pass("t-li", 1, &r).ok());
  ASSERT_TRUE(Pass("t-li", 2, &r).ok());
  struct Row {
    const char* name;
    const char* teacher;
    int ordinal;
    Caller caller;
    grpc::StatusCode code;
    const char* reason;
    const char* field;
  };
  const Row rows[] = {
      {"R-PARTY-1 duplicate checkpoint", "t-li", 2, kAdmin, grpc::StatusCode::ALREADY_EXISTS,
       "CHECKPOINT_ALREADY_PASSED", "checkpoint_record.ordinal"},
      {"R-PARTY-1 out of route order", "t-li", 4, kAdmin, grpc::StatusCode::FAILED_PRECONDITION,
       "CHECKPOINT_OUT_OF_ORDER", "checkpoint_record.ordinal"},
      {"R-PARTY-1 beyond Yan'an", "t-li", 13, kAdmin, grpc::StatusCode::INVALID_ARGUMENT,
       "CHECKPOINT_ORDINAL_INVALID", "checkpoint_record.ordinal"},
      {"not a Party member", "t-chen", 1, kAdmin, grpc::StatusCode::FAILED_PRECONDITION, "NOT_A_PARTY_MEMBER",
       "checkpoint_record.member"},
      {"unknown teacher", "t-nobody", 1, kAdmin, grpc::StatusCode::NOT_FOUND, "MEMBER_UNKNOWN",
       "checkpoint_record.member"},
      {"another school's admin", "t-li", 3, kOtherAdmin, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED",
       ""},
      {"another county", "t-li", 3, kOtherCounty, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", ""},
      {"a teacher records nothing", "t-li", 3, kTeacherLi, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED",
       ""},
  };
  for (const auto& row : rows) {
    av1::CheckpointRecord out;
    const grpc::Status s = Pass(row.teacher, row.ordinal, &out, row.caller);
    EXPECT_EQ(s.error_code(), row.code) << row.name << ": " << s.error_message();
    EXPECT_EQ(Reason(s), row.reason) << row.name;
    if (*row.field) {
      EXPECT_TRUE(HasField(s, row.field)) << row.name;
    }
  }
  EXPECT_EQ(Records(), 2);
  EXPECT_EQ(Events("CheckpointPassed"), 2);
  // The county of the member's region may record.
  EXPECT_TRUE(Pass("t-li", 3, &r, kCounty).ok());
}

TEST_F(PartyTest, InvalidFieldsAreNamed) {
  av1::CreateCheckpointRecordRequest req;
  req.mutable_checkpoint_record()->set_member("t-li");
  req.mutable_checkpoint_record()->set_campaign_year(1999);
  req.mutable_checkpoint_record()->set_ordinal(1);
  av1::CheckpointRecord out;
  const grpc::Status s = Call(&Stub::CreateCheckpointRecord, server_.stub(), req, &out, kAdmin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "checkpoint_record.member"));
  EXPECT_TRUE(HasField(s, "checkpoint_record.campaign_year"));
  EXPECT_TRUE(HasField(s, "checkpoint_record.achievement"));
  EXPECT_EQ(Records(), 0);
}

TEST_F(PartyTest, ConcurrentDuplicatesPassOnce) {
  std::atomic<int> ok{0}, already{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      av1::CheckpointRecord r;
      const grpc::Status s = Pass("t-wang", 1, &r);
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) ++already;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(already.load(), 7);
  EXPECT_EQ(Records(), 1);
}

TEST_F(PartyTest, RetriesWithTheSameRequestIdActOnce) {
  av1::CheckpointRecord first, second;
  ASSERT_TRUE(Pass("t-zhang", 1, &first, kAdmin, "6f1c2b1e-0000-4000-8000-000000000001").ok());
  ASSERT_TRUE(Pass("t-zhang", 1, &second, kAdmin, "6f1c2b1e-0000-4000-8000-000000000001").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Records(), 1);
  EXPECT_EQ(Events("CheckpointPassed"), 1);
}

TEST_F(PartyTest, OnlyTheLatestCheckpointIsRevoked) {
  av1::CheckpointRecord one, two;
  ASSERT_TRUE(Pass("t-li", 1, &one, kAdmin, "", "li-1").ok());
  ASSERT_TRUE(Pass("t-li", 2, &two, kAdmin, "", "li-2").ok());
  av1::DeleteCheckpointRecordRequest del;
  del.set_name(one.name());
  av1::CheckpointRecord out;
  grpc::Status s = Call(&Stub::DeleteCheckpointRecord, server_.stub(), del, &out, kAdmin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "CHECKPOINT_NOT_LATEST");
  del.set_name(two.name());
  del.set_etag("999");
  s = Call(&Stub::DeleteCheckpointRecord, server_.stub(), del, &out, kAdmin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  del.set_etag(two.etag());
  s = Call(&Stub::DeleteCheckpointRecord, server_.stub(), del, &out, kOtherAdmin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = Call(&Stub::DeleteCheckpointRecord, server_.stub(), del, &out, kAdmin);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(out.audit().has_delete_time());
  EXPECT_EQ(Events("CheckpointRevoked"), 1);
  // The revoked checkpoint can be passed again.
  av1::CheckpointRecord again;
  EXPECT_TRUE(Pass("t-li", 2, &again).ok());
}

TEST_F(PartyTest, MembersReadTheirOwnAndTheirOrganisation) {
  av1::CheckpointRecord li, zhao;
  ASSERT_TRUE(Pass("t-li", 1, &li).ok());
  ASSERT_TRUE(Pass("t-zhao", 1, &zhao, kOtherAdmin).ok());
  av1::GetCheckpointRecordRequest get;
  get.set_name(li.name());
  av1::CheckpointRecord out;
  EXPECT_TRUE(Call(&Stub::GetCheckpointRecord, server_.stub(), get, &out, kTeacherLi).ok());
  EXPECT_EQ(Call(&Stub::GetCheckpointRecord, server_.stub(), get, &out, kTeacherZhao).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A teacher's list holds her own records only.
  av1::ListCheckpointRecordsRequest list;
  av1::ListCheckpointRecordsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListCheckpointRecords, server_.stub(), list, &listed, kTeacherLi).ok());
  ASSERT_EQ(listed.checkpoint_records_size(), 1);
  EXPECT_EQ(listed.checkpoint_records(0).member(), "teachers/t-li");
  // Standings: her own organisation yes, another no.
  av1::ListLongMarchStandingsRequest req;
  req.set_party_organization(kBranch);
  req.set_campaign_year(2025);
  av1::ListLongMarchStandingsResponse resp;
  EXPECT_TRUE(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kTeacherLi).ok());
  req.set_party_organization(kOtherBranch);
  EXPECT_EQ(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kTeacherLi).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.set_party_organization("partyOrganizations/unknown");
  EXPECT_EQ(Call(&Stub::ListLongMarchStandings, server_.stub(), req, &resp, kCounty).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(PartyTest, ListsFilterAndPage) {
  av1::CheckpointRecord r;
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(Pass("t-li", i, &r).ok());
  ASSERT_TRUE(Pass("t-wang", 1, &r).ok());
  av1::ListCheckpointRecordsRequest req;
  req.set_filter("member = \"teachers/t-li\" AND ordinal >= 2");
  req.set_order_by("ordinal desc");
  req.set_page_size(3);
  av1::ListCheckpointRecordsResponse page1, page2;
  ASSERT_TRUE(Call(&Stub::ListCheckpointRecords, server_.stub(), req, &page1, kCounty).ok());
  EXPECT_EQ(page1.total_size(), 4);
  ASSERT_EQ(page1.checkpoint_records_size(), 3);
  EXPECT_EQ(page1.checkpoint_records(0).ordinal(), 5);
  ASSERT_FALSE(page1.next_page_token().empty());
  req.set_page_token(page1.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListCheckpointRecords, server_.stub(), req, &page2, kCounty).ok());
  ASSERT_EQ(page2.checkpoint_records_size(), 1);
  EXPECT_EQ(page2.checkpoint_records(0).ordinal(), 2);
  EXPECT_TRUE(page2.next_page_token().empty());
  // Another school's admin sees none of these.
  req.clear_page_token();
  av1::ListCheckpointRecordsResponse other;
  ASSERT_TRUE(Call(&Stub::ListCheckpointRecords, server_.stub(), req, &other, kOtherAdmin).ok());
  EXPECT_EQ(other.checkpoint_records_size(), 0);
  req.set_filter("colour = \"red\"");
  EXPECT_EQ(Call(&Stub::ListCheckpointRecords, server_.stub(), req, &other, kCounty).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// ---- demonstration posts (R-PARTY-2) ------------------------------------------

TEST_F(PartyTest, EachServingMemberHoldsOnePostAtATime) {
  EXPECT_EQ(CreatePost("civility", 1, kOtherAdmin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(CreatePost("civility", 1, kAdmin).ok());
  ASSERT_TRUE(CreatePost("counselling", 0, kAdmin).ok());
  av1::PostAssignment li, other;
  ASSERT_TRUE(Assign("civility", "t-li", &li).ok());
  // One post at a time; the post's cap; only serving Party members.
  grpc::Status s = Assign("counselling", "t-li", &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "MEMBER_ALREADY_ASSIGNED");
  EXPECT_EQ(Meta(s, "active_assignment"), li.name());
  s = Assign("civility", "t-wang", &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Reason(s), "POST_FULL");
  EXPECT_EQ(Reason(Assign("counselling", "t-chen", &other)), "NOT_A_SERVING_MEMBER");
  EXPECT_EQ(Reason(Assign("counselling", "t-zhao", &other)), "NOT_A_SERVING_MEMBER");  // another school
  // The gap: 王芳 and 张伟 serve without a post.
  av1::ListUnassignedMembersRequest gaps;
  gaps.set_school(std::string("schools/") + kSchool);
  av1::ListUnassignedMembersResponse unassigned;
  ASSERT_TRUE(Call(&Stub::ListUnassignedMembers, server_.stub(), gaps, &unassigned, kCounty).ok());
  ASSERT_EQ(unassigned.members_size(), 2);
  EXPECT_EQ(unassigned.members(0).member(), "teachers/t-zhang");  // 张 before 王 by code point
  EXPECT_EQ(unassigned.members(1).member(), "teachers/t-wang");
  // Ending the assignment frees the member and the place.
  av1::EndPostAssignmentRequest end;
  end.set_name(li.name());
  end.mutable_end_date()->set_year(2025);
  end.mutable_end_date()->set_month(2);
  end.mutable_end_date()->set_day(1);
  av1::PostAssignment ended;
  EXPECT_EQ(Call(&Stub::EndPostAssignment, server_.stub(), end, &ended, kAdmin).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // before its start
  end.mutable_end_date()->set_month(7);
  ASSERT_TRUE(Call(&Stub::EndPostAssignment, server_.stub(), end, &ended, kAdmin).ok());
  EXPECT_EQ(ended.end_date().month(), 7);
  EXPECT_EQ(Call(&Stub::EndPostAssignment, server_.stub(), end, &ended, kAdmin).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Assign("counselling", "t-li", &other).ok());
  EXPECT_TRUE(Assign("civility", "t-wang", &other).ok());
  av1::GetDemonstrationPostRequest get;
  get.set_name(std::string("schools/") + kSchool + "/demonstrationPosts/civility");
  av1::DemonstrationPost post;
  ASSERT_TRUE(Call(&Stub::GetDemonstrationPost, server_.stub(), get, &post, kTeacherZhao).ok());
  EXPECT_EQ(post.holder_count(), 1);
  EXPECT_EQ(Events("PostAssigned"), 3);
  EXPECT_EQ(Events("PostAssignmentEnded"), 1);
}

TEST_F(PartyTest, PostsAreListedUpdatedAndDeleted) {
  av1::DemonstrationPost civility, counselling;
  ASSERT_TRUE(CreatePost("civility", 1, kAdmin, &civility).ok());
  ASSERT_TRUE(CreatePost("counselling", 0, kAdmin, &counselling).ok());
  av1::PostAssignment li, wang;
  ASSERT_TRUE(Assign("civility", "t-li", &li).ok());
  ASSERT_TRUE(Assign("counselling", "t-wang", &wang).ok());
  const std::string school = std::string("schools/") + kSchool;

  // A school's posts: every role reads them; by display name, over pages.
  av1::ListDemonstrationPostsRequest list;
  list.set_parent(school);
  list.set_page_size(1);
  av1::ListDemonstrationPostsResponse page;
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kTeacherZhao).ok());
  EXPECT_EQ(page.total_size(), 2);
  ASSERT_EQ(page.demonstration_posts_size(), 1);
  EXPECT_EQ(page.demonstration_posts(0).name(), counselling.name());  // 心 (U+5FC3) before 文 (U+6587)
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kTeacherZhao).ok());
  ASSERT_EQ(page.demonstration_posts_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
  list.set_page_token("");
  list.set_page_size(0);
  struct Row {
    const char* filter;
    int count;
  };
  for (const Row& r : {Row{"vacant = true", 1}, Row{"vacant = false", 1}, Row{"region_code : 3310", 2},
                       Row{"party_organization = \"partyOrganizations/xj9-branch\"", 0}}) {
    list.set_filter(r.filter);
    ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kAdmin).ok()) << r.filter;
    EXPECT_EQ(page.demonstration_posts_size(), r.count) << r.filter;
  }
  list.set_filter("vacant = maybe");
  EXPECT_TRUE(HasField(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kAdmin), "filter"));
  list.set_filter("");
  list.set_page_size(-1);
  EXPECT_TRUE(HasField(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kAdmin), "page_size"));
  list.set_page_size(0);
  list.set_parent("schools/x");
  EXPECT_TRUE(HasField(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kAdmin), "parent"));
  // Across schools: the caller's scope only.
  list.set_parent("schools/-");
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kCounty).ok());
  EXPECT_EQ(page.demonstration_posts_size(), 2);
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kOtherCounty).ok());
  EXPECT_EQ(page.demonstration_posts_size(), 0);
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kOtherAdmin).ok());
  EXPECT_EQ(page.demonstration_posts_size(), 0);
  EXPECT_EQ(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page,
                 Caller{auth::Role::kTownshipHead, "331024101", "", ""})
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Assignments of a post, of all posts of the school.
  av1::ListPostAssignmentsRequest alist;
  alist.set_parent(school + "/demonstrationPosts/-");
  av1::ListPostAssignmentsResponse assignments;
  ASSERT_TRUE(Call(&Stub::ListPostAssignments, server_.stub(), alist, &assignments, kAdmin).ok());
  EXPECT_EQ(assignments.post_assignments_size(), 2);
  alist.set_filter("member = \"teachers/t-li\" AND active = true");
  ASSERT_TRUE(Call(&Stub::ListPostAssignments, server_.stub(), alist, &assignments, kCounty).ok());
  ASSERT_EQ(assignments.post_assignments_size(), 1);
  EXPECT_EQ(assignments.post_assignments(0).name(), li.name());
  alist.set_filter("");
  alist.set_parent(civility.name());
  ASSERT_TRUE(Call(&Stub::ListPostAssignments, server_.stub(), alist, &assignments, kAdmin).ok());
  EXPECT_EQ(assignments.post_assignments_size(), 1);
  for (const Caller& c : {kOtherAdmin, kOtherCounty, kTeacherLi}) {
    EXPECT_EQ(Call(&Stub::ListPostAssignments, server_.stub(), alist, &assignments, c).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  alist.set_filter("active = maybe");
  EXPECT_TRUE(HasField(Call(&Stub::ListPostAssignments, server_.stub(), alist, &assignments, kAdmin), "filter"));
  alist.set_filter("");
  alist.set_parent(school + "/demonstrationPosts/none");
  EXPECT_EQ(Call(&Stub::ListPostAssignments, server_.stub(), alist, &assignments, kAdmin).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Update: mask, etag, fields, walls, the cap under the holders; nothing
  // written by a refusal.
  const int64_t versions = server_.Count("SELECT sum(version) FROM party_demonstration_posts");
  av1::UpdateDemonstrationPostRequest upd;
  upd.mutable_demonstration_post()->set_name(counselling.name());
  upd.mutable_demonstration_post()->set_duties("每周开放两次心理咨询");
  upd.mutable_update_mask()->add_paths("holder_count");
  av1::DemonstrationPost updated;
  EXPECT_TRUE(HasField(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin),
                       "update_mask.paths[0]"));
  upd.mutable_update_mask()->set_paths(0, "duties");
  EXPECT_EQ(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kOtherAdmin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kTeacherLi).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  upd.mutable_demonstration_post()->set_etag("7");
  EXPECT_EQ(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin).error_code(),
            grpc::StatusCode::ABORTED);
  upd.mutable_demonstration_post()->set_etag("");
  upd.mutable_update_mask()->add_paths("display_name");  // to ""
  EXPECT_TRUE(HasField(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin),
                       "demonstration_post.display_name"));
  upd.mutable_update_mask()->set_paths(1, "party_organization");
  upd.mutable_demonstration_post()->set_party_organization(kOtherBranch);
  EXPECT_EQ(Reason(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin)),
            "ORGANIZATION_NOT_OF_SCHOOL");
  EXPECT_EQ(server_.Count("SELECT sum(version) FROM party_demonstration_posts"), versions);
  upd.mutable_update_mask()->mutable_paths()->RemoveLast();
  upd.set_request_id("3c0d3f7a-9a41-4d9b-8f77-5a6b7c8d9e0f");
  ASSERT_TRUE(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kCounty).ok());
  EXPECT_EQ(updated.duties(), "每周开放两次心理咨询");
  EXPECT_EQ(updated.display_name(), "心理咨询岗");
  av1::DemonstrationPost replayed;
  ASSERT_TRUE(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &replayed, kCounty).ok());
  EXPECT_EQ(replayed.etag(), updated.etag());
  EXPECT_EQ(server_.Count("SELECT sum(version) FROM party_demonstration_posts"), versions + 1);
  EXPECT_EQ(Events("DemonstrationPostChanged"), 1);
  upd.set_request_id("");
  upd.mutable_demonstration_post()->set_name(civility.name());
  upd.mutable_demonstration_post()->set_max_holders(0);
  upd.mutable_update_mask()->set_paths(0, "max_holders");
  ASSERT_TRUE(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin).ok());  // 0 = no cap
  ASSERT_TRUE(Assign("civility", "t-zhang", &wang).ok());
  upd.mutable_demonstration_post()->set_max_holders(1);
  EXPECT_EQ(Reason(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin)), "BELOW_HOLDERS");

  // Delete: only without active holders; soft; then gone.
  av1::DeleteDemonstrationPostRequest del;
  del.set_name(civility.name());
  av1::DemonstrationPost deleted;
  EXPECT_EQ(Reason(Call(&Stub::DeleteDemonstrationPost, server_.stub(), del, &deleted, kAdmin)), "POST_HAS_HOLDERS");
  ASSERT_TRUE(CreatePost("spare", 2, kAdmin, &deleted).ok());
  del.set_name(deleted.name());
  EXPECT_EQ(Call(&Stub::DeleteDemonstrationPost, server_.stub(), del, &deleted, kOtherAdmin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::DeleteDemonstrationPost, server_.stub(), del, &deleted, kAdmin).ok());
  EXPECT_TRUE(deleted.audit().has_delete_time());
  EXPECT_EQ(Events("DemonstrationPostChanged"), 3);  // duties, the cap, the deletion
  EXPECT_EQ(Call(&Stub::DeleteDemonstrationPost, server_.stub(), del, &deleted, kAdmin).error_code(),
            grpc::StatusCode::NOT_FOUND);
  upd.mutable_demonstration_post()->set_name(del.name());
  EXPECT_EQ(Call(&Stub::UpdateDemonstrationPost, server_.stub(), upd, &updated, kAdmin).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  list.Clear();
  list.set_parent(school);
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kAdmin).ok());
  EXPECT_EQ(page.demonstration_posts_size(), 2);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListDemonstrationPosts, server_.stub(), list, &page, kAdmin).ok());
  EXPECT_EQ(page.demonstration_posts_size(), 3);
}

}  // namespace
}  // namespace gongtong::assessment::testing
