// Party points rules (DOMAIN §6 R-PARTY-1 "New Long March", R-PARTY-2
// demonstration posts; issue 5 "Party points"), one row per case.
#include <gtest/gtest.h>

#include <functional>

#include "assessment/domain/party_access.h"
#include "assessment/domain/party_rules.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

TEST(LongMarchRouteTest, TwelveCheckpointsOfEightPointsEndAtYanan) {
  const auto& route = LongMarchRoute();
  ASSERT_EQ(route.size(), 12u);  // R-PARTY-1
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(route[i].ordinal(), i + 1);
    EXPECT_EQ(route[i].points(), 8);
    EXPECT_EQ(route[i].cumulative_points(), 8 * (i + 1));
  }
  EXPECT_EQ(route.back().display_name(), "延安");
  EXPECT_EQ(route.back().cumulative_points(), 96);
  EXPECT_EQ(route[2].display_name(), "遵义会议");
  EXPECT_STREQ(kRouteStart, "瑞金");
}

TEST(CheckpointTest, RecordsAreCheckedInRouteOrderOnce) {
  struct Row {
    const char* rule;
    std::set<int> passed;
    int ordinal;
    absl::StatusCode code;
    const char* reason;
  };
  const Row rows[] = {
      {"R-PARTY-1 first checkpoint from Ruijin", {}, 1, absl::StatusCode::kOk, ""},
      {"R-PARTY-1 the next one due", {1, 2, 3}, 4, absl::StatusCode::kOk, ""},
      {"R-PARTY-1 the last: Yan'an", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 12, absl::StatusCode::kOk, ""},
      {"R-PARTY-1 duplicate checkpoint", {1, 2}, 2, absl::StatusCode::kAlreadyExists, "CHECKPOINT_ALREADY_PASSED"},
      {"R-PARTY-1 duplicate first checkpoint", {1}, 1, absl::StatusCode::kAlreadyExists, "CHECKPOINT_ALREADY_PASSED"},
      {"R-PARTY-1 duplicate after arrival", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 12, absl::StatusCode::kAlreadyExists, "CHECKPOINT_ALREADY_PASSED"},
      {"R-PARTY-1 skipping ahead", {1}, 3, absl::StatusCode::kFailedPrecondition, "CHECKPOINT_OUT_OF_ORDER"},
      {"R-PARTY-1 starting in the middle", {}, 4, absl::StatusCode::kFailedPrecondition, "CHECKPOINT_OUT_OF_ORDER"},
      {"R-PARTY-1 ordinal 0 is Ruijin, not a checkpoint", {}, 0, absl::StatusCode::kInvalidArgument, "CHECKPOINT_ORDINAL_INVALID"},
      {"R-PARTY-1 ordinal 13 beyond Yan'an", {}, 13, absl::StatusCode::kInvalidArgument, "CHECKPOINT_ORDINAL_INVALID"},
      {"R-PARTY-1 negative ordinal", {}, -1, absl::StatusCode::kInvalidArgument, "CHECKPOINT_ORDINAL_INVALID"},
  };
  for (const auto& r : rows) {
    const absl::Status st = CheckCheckpoint(r.passed, r.ordinal, "checkpoint_record.ordinal");
    EXPECT_EQ(st.code(), r.code) << r.rule << ": " << st;
    EXPECT_EQ(ReasonOf(st), r.reason) << r.rule;
  }
  const absl::Status skip = CheckCheckpoint({1}, 3, "checkpoint_record.ordinal");
  EXPECT_NE(std::string(skip.message()).find("next due is 2"), std::string::npos) << skip;
  EXPECT_EQ(NextCheckpoint({}), 1);
  EXPECT_EQ(NextCheckpoint({1, 2}), 3);
  EXPECT_EQ(NextCheckpoint({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), 0);
}

TEST(StandingsTest, PointsArrivalAndSharedRanks) {
  const auto standings = Standings({
      {"teachers/t3", "王芳", 5},
      {"teachers/t1", "李明", 12},
      {"teachers/t2", "张伟", 5},
      {"teachers/t4", "陈静", 0},
      {"teachers/t5", "赵磊", 11},
  });
  struct Row {
    const char* member;
    int points;
    int rank;
    bool arrived;
  };
  const Row rows[] = {
      {"teachers/t1", 96, 1, true},    // R-PARTY-1 96 = arrived at Yan'an
      {"teachers/t5", 88, 2, false},   // 88 is one checkpoint short
      {"teachers/t2", 40, 3, false},   // tie at 40 shares rank 3 (张 U+5F20 before 王 U+738B)
      {"teachers/t3", 40, 3, false},
      {"teachers/t4", 0, 5, false},    // after a tie of two: rank 5
  };
  ASSERT_EQ(standings.size(), 5u);
  for (size_t i = 0; i < standings.size(); ++i) {
    EXPECT_EQ(standings[i].member(), rows[i].member) << i;
    EXPECT_EQ(standings[i].points(), rows[i].points) << rows[i].member;
    EXPECT_EQ(standings[i].rank(), rows[i].rank) << rows[i].member;
    EXPECT_EQ(standings[i].arrived_yanan(), rows[i].arrived) << rows[i].member;
  }
  EXPECT_TRUE(Standings({}).empty());
}

TEST(DemonstrationPostTest, EachServingMemberHoldsOnePost) {
  struct Row {
    const char* rule;
    const char* active_elsewhere;
    int max_holders;
    int holder_count;
    absl::StatusCode code;
    const char* reason;
  };
  const Row rows[] = {
      {"R-PARTY-2 first post", "", 0, 10, absl::StatusCode::kOk, ""},
      {"R-PARTY-2 below the cap", "", 3, 2, absl::StatusCode::kOk, ""},
      {"R-PARTY-2 one post at a time", "schools/3331000001/demonstrationPosts/p1/assignments/a1", 0, 0,
       absl::StatusCode::kFailedPrecondition, "MEMBER_ALREADY_ASSIGNED"},
      {"R-PARTY-2 post full at its cap", "", 3, 3, absl::StatusCode::kResourceExhausted, "POST_FULL"},
  };
  for (const auto& r : rows) {
    const absl::Status st = CheckPostAssignment("teachers/t1", r.active_elsewhere, r.max_holders, r.holder_count);
    EXPECT_EQ(st.code(), r.code) << r.rule << ": " << st;
    EXPECT_EQ(ReasonOf(st), r.reason) << r.rule;
  }
  EXPECT_EQ(UnassignedMembers({"teachers/t1", "teachers/t2", "teachers/t3"}, {"teachers/t2"}),
            (std::vector<std::string>{"teachers/t1", "teachers/t3"}));
}

TEST(CheckpointInputTest, EachBadFieldIsNamed) {
  auto valid = [] {
    av1::CheckpointRecord r;
    r.set_member("teachers/t-li");
    r.set_campaign_year(2025);
    r.set_ordinal(1);
    r.set_achievement("带领青年教师完成校本课程开发");
    return r;
  };
  EXPECT_TRUE(ValidateCheckpointInput(valid(), "checkpoint_record").ok());
  struct Row {
    const char* name;
    std::function<void(av1::CheckpointRecord&)> edit;
  };
  const Row rows[] = {
      {"member", [](auto& r) { r.set_member("t-li"); }},
      {"member", [](auto& r) { r.set_member("teachers/T_LI"); }},
      {"campaign_year", [](auto& r) { r.set_campaign_year(0); }},
      {"achievement", [](auto& r) { r.clear_achievement(); }},
      {"achievement", [](auto& r) { r.set_achievement(std::string(501 * 3, 'x')); }},
      {"award_date", [](auto& r) {
         r.mutable_award_date()->set_year(2025);
         r.mutable_award_date()->set_month(2);
         r.mutable_award_date()->set_day(29);
       }},
  };
  for (const auto& row : rows) {
    auto r = valid();
    row.edit(r);
    const absl::Status st = ValidateCheckpointInput(r, "checkpoint_record");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << row.name;
    EXPECT_EQ(ReasonOf(st), "CHECKPOINT_RECORD_INVALID") << row.name;
  }
  // 500 Chinese characters are 500 characters, not 1,500 bytes.
  auto r = valid();
  std::string text;
  for (int i = 0; i < 500; ++i) text += "党";
  r.set_achievement(text);
  EXPECT_TRUE(ValidateCheckpointInput(r, "checkpoint_record").ok());
  EXPECT_EQ(TeacherIdOf("teachers/t-li"), "t-li");
  EXPECT_EQ(TeacherIdOf("schools/t-li"), "");
}

auth::Principal As(auth::Role role, const char* region, const char* school, const char* teacher = "") {
  auth::Principal p;
  p.role = role;
  p.region_prefix = region;
  p.school_code = school;
  p.teacher_id = teacher;
  return p;
}

TEST(PartyAccessTest, NobodyWritesForAnotherUnit) {
  using auth::Role;
  const MemberScope li{"t-li", "3133102401", "331024", "partyOrganizations/b1"};
  struct Row {
    const char* name;
    auth::Principal who;
    bool write, read;
  };
  const Row rows[] = {
      {"the member's school admin", As(Role::kSchoolAdmin, "", "3133102401"), true, true},
      {"another school's admin", As(Role::kSchoolAdmin, "", "3133102409"), false, false},
      {"the county of the member's region", As(Role::kCountyBureau, "331024", ""), true, true},
      {"another county", As(Role::kCountyBureau, "331081", ""), false, false},
      {"the province", As(Role::kProvinceAdmin, "", ""), true, true},
      {"the member herself reads, never writes", As(Role::kTeacher, "", "3133102401", "t-li"), false, true},
      {"a colleague teacher", As(Role::kTeacher, "", "3133102401", "t-wang"), false, false},
      {"a township head", As(Role::kTownshipHead, "331024101", ""), false, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(MayWritePartyPoints(r.who, li).ok(), r.write) << r.name;
    EXPECT_EQ(MayReadPartyPoints(r.who, li).ok(), r.read) << r.name;
  }
  EXPECT_TRUE(MayReadStandings(As(Role::kTeacher, "", "3133102401", "t-li"), "partyOrganizations/b1",
                               "partyOrganizations/b1")
                  .ok());
  EXPECT_FALSE(MayReadStandings(As(Role::kTeacher, "", "3133102401", "t-li"), "partyOrganizations/b2",
                                "partyOrganizations/b1")
                   .ok());
  EXPECT_FALSE(MemberInStandings(As(Role::kCountyBureau, "331081", ""), li));
}

}  // namespace
}  // namespace gongtong::assessment
