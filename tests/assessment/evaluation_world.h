#pragma once
// The evaluation tests' world: three communities of region 331083 (玉环市)
// of all three types — community i has core 33310830i1 and member
// 33310830i2 — seeded through EvaluationStore::UpsertCommunity (the path the
// registry's CommunityChanged events take), and helpers that declare, review
// and self-assess through the API as the right role. Shared by
// evaluation_test.cc and evaluation_lists_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "assessment/rpc/evaluation_methods.h"
#include "assessment/storage/evaluation_store.h"
#include "assessment_test_server.h"

namespace gongtong::assessment::testing {

using gongtong::registry::v1::COMMUNITY_TYPE_CO_BUILT;
using gongtong::registry::v1::COMMUNITY_TYPE_COLLABORATIVE;
using gongtong::registry::v1::COMMUNITY_TYPE_FUSED;

inline constexpr char kRegion[] = "331083";  // 玉环市
inline constexpr char kDefault[] = "evaluationSchemes/yuhuan-default";
inline const Caller kCounty{auth::Role::kCountyBureau, kRegion, "", ""};
inline const Caller kOtherCounty{auth::Role::kCountyBureau, "331024", "", ""};

// Community i: core 33310830i1, member 33310830i2.
inline std::string Core(int i) { return "33310830" + std::to_string(i) + "1"; }
inline std::string Member(int i) { return "33310830" + std::to_string(i) + "2"; }
inline Caller Admin(const std::string& school) { return Caller{auth::Role::kSchoolAdmin, "", school, ""}; }

class EvaluationWorld : public ::testing::Test {
 protected:
  explicit EvaluationWorld(const char* schema) : server_(schema), store_(&server_.pool(), TodayInChina) {
    Community(1, COMMUNITY_TYPE_CO_BUILT);
    Community(2, COMMUNITY_TYPE_FUSED);
    Community(3, COMMUNITY_TYPE_COLLABORATIVE);
  }

  void Community(int i, gongtong::registry::v1::CommunityType type) {
    CommunityFact c{"yh-" + std::to_string(i), type, kRegion, Core(i), {Member(i)}, false};
    ASSERT_TRUE(store_.UpsertCommunity(c, pg::NoDeadline()).ok());
  }

  grpc::Status Declare(int i, const std::string& school, av1::DeclarationKind kind) {
    av1::CreateDeclarationRequest req;
    auto* d = req.mutable_declaration();
    d->set_kind(kind);
    d->set_community("communities/yh-" + std::to_string(i));
    d->set_school("schools/" + school);
    d->set_school_year(2024);
    d->set_title(kind == av1::DECLARATION_KIND_FEATURE ? "书法特色" : "整本书阅读教学帮扶项目");
    av1::Declaration created;
    grpc::Status s = Call(&Stub::CreateDeclaration, server_.stub(), req, &created, Admin(school));
    if (!s.ok()) return s;
    av1::FileDeclarationRequest file;
    file.set_name(created.name());
    av1::Declaration filed;
    return Call(&Stub::FileDeclaration, server_.stub(), file, &filed, Admin(school));
  }

  grpc::Status Review(int i, const std::string& school, const std::string& component, const std::string& score,
                      const Caller& caller = kCounty, av1::ReviewScore* created = nullptr) {
    av1::CreateReviewScoreRequest req;
    auto* r = req.mutable_review_score();
    r->set_scheme(kDefault);
    r->set_component_id(component);
    r->set_school("schools/" + school);
    r->set_community("communities/yh-" + std::to_string(i));
    r->set_school_year(2024);
    r->set_method(av1::REVIEW_METHOD_ON_SITE);
    r->add_scores()->mutable_score()->set_value(score);
    av1::ReviewScore out;
    return Call(&Stub::CreateReviewScore, server_.stub(), req, created != nullptr ? created : &out, caller);
  }

  grpc::Status SelfAssess(int i, const std::string& school, const std::string& component, const std::string& score,
                          av1::SelfAssessment* out) {
    av1::CreateSelfAssessmentRequest req;
    auto* sa = req.mutable_self_assessment();
    sa->set_scheme(kDefault);
    sa->set_component_id(component);
    sa->set_school("schools/" + school);
    sa->set_community("communities/yh-" + std::to_string(i));
    sa->set_school_year(2024);
    sa->add_scores()->mutable_score()->set_value(score);
    return Call(&Stub::CreateSelfAssessment, server_.stub(), req, out, Admin(school));
  }

  // The scores of DOMAIN's worked example: core 87.35 / 90 / project 36,
  // member 80 / 85 / year end 30.
  void ScoreCommunity(int i, const char* member_year_end, bool member_spring = true) {
    ASSERT_TRUE(Review(i, Core(i), "regular_autumn", "87.35").ok());
    ASSERT_TRUE(Review(i, Core(i), "regular_spring", "90").ok());
    ASSERT_TRUE(Review(i, Core(i), "project", "36").ok());
    ASSERT_TRUE(Review(i, Member(i), "regular_autumn", "80").ok());
    if (member_spring) {
      ASSERT_TRUE(Review(i, Member(i), "regular_spring", "85").ok());
    }
    ASSERT_TRUE(Review(i, Member(i), member_year_end, "30").ok());
  }

  AssessmentServer server_;
  EvaluationStore store_;
};

}  // namespace gongtong::assessment::testing
