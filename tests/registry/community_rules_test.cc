// Community and pairing rules (DOMAIN §2, issue 3, community.proto) and who
// may read and write them: one row per case.
#include <gtest/gtest.h>

#include <functional>

#include "common/status/error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "registry/domain/community_access.h"
#include "registry/domain/community_rules.h"

namespace gongtong::registry {
namespace {

using gongtong::common::v1::SUBJECT_CODE_CHINESE;
using gongtong::common::v1::SUBJECT_CODE_MATHEMATICS;
using gongtong::common::v1::SUBJECT_CODE_OTHER;
using gongtong::common::v1::SUBJECT_CODE_UNSPECIFIED;
using namespace gongtong::registry::v1;

constexpr char kCore[] = "schools/2133102401";    // 仙居县第一小学
constexpr char kDuiyang[] = "schools/2133102402"; // 对垟小学
constexpr char kShidu[] = "schools/2133102403";   // 十都英小学
constexpr char kOther[] = "schools/2133102404";

google::type::Date D(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

Community ValidCommunity() {
  Community c;
  c.set_name("communities/xianju-1");
  c.set_display_name("仙居县第一小学城乡教育共同体");
  c.set_type(COMMUNITY_TYPE_CO_BUILT);
  c.set_core_school(kCore);
  c.add_members()->set_school(kDuiyang);
  c.add_members()->set_school(kShidu);
  *c.mutable_period()->mutable_start_date() = D(2021, 9, 1);
  *c.mutable_period()->mutable_end_date() = D(2024, 8, 31);
  auto* leader = c.add_leading_group();
  leader->set_role(LEADING_GROUP_ROLE_LEADER);
  leader->mutable_person()->set_display_name("王校长");
  return c;
}

gongtong::common::v1::Contact NamedContact(const char* name) {
  gongtong::common::v1::Contact c;
  c.mutable_person()->set_display_name(name);
  c.mutable_person()->set_position("分管校长");
  c.set_phone("0576-87771234");
  return c;
}

Pairing ValidPairing() {
  Pairing p;
  p.set_core_school(kCore);
  p.set_member_school(kDuiyang);
  for (auto code : SeedPairingSubjects()) p.add_subjects()->set_code(code);
  *p.mutable_core_contact() = NamedContact("李副校长");
  *p.mutable_member_contact() = NamedContact("张副校长");
  *p.mutable_period()->mutable_start_date() = D(2021, 9, 1);
  *p.mutable_period()->mutable_end_date() = D(2024, 8, 31);
  return p;
}

std::vector<std::string> FieldsOf(const absl::Status& s) {
  std::vector<std::string> out;
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return out;
  google::rpc::Status details;
  details.ParseFromString(std::string(*payload));
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out.push_back(v.field());
    }
  }
  return out;
}

// ---- community fields (INVALID_ARGUMENT) ----

struct CommunityRow {
  std::string name;
  std::function<void(Community&)> change;
  std::vector<std::string> fields;  // empty: valid
};

class CommunityValidation : public ::testing::TestWithParam<CommunityRow> {};

TEST_P(CommunityValidation, FlagsExactlyTheOffendingFields) {
  Community c = ValidCommunity();
  GetParam().change(c);
  std::vector<std::string> got;
  for (const auto& v : CommunityViolations(c, "community")) got.push_back(v.field);
  EXPECT_EQ(got, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CommunityValidation,
    ::testing::Values(
        CommunityRow{"valid_co_built", [](Community&) {}, {}},
        CommunityRow{"valid_fused", [](Community& c) { c.set_type(COMMUNITY_TYPE_FUSED); }, {}},
        CommunityRow{"valid_collaborative", [](Community& c) { c.set_type(COMMUNITY_TYPE_COLLABORATIVE); }, {}},
        CommunityRow{"valid_education_group", [](Community& c) { c.set_type(COMMUNITY_TYPE_EDUCATION_GROUP); }, {}},
        CommunityRow{"valid_alliance", [](Community& c) { c.set_type(COMMUNITY_TYPE_ALLIANCE); }, {}},
        CommunityRow{"valid_preschool_area", [](Community& c) { c.set_type(COMMUNITY_TYPE_PRESCHOOL_AREA); }, {}},
        CommunityRow{"valid_research_without_members",
                     [](Community& c) { c.set_type(COMMUNITY_TYPE_RESEARCH); c.clear_members(); c.add_teacher_members("teachers/t-1"); }, {}},
        CommunityRow{"valid_open_ended", [](Community& c) { c.mutable_period()->clear_end_date(); }, {}},
        CommunityRow{"valid_one_day", [](Community& c) { *c.mutable_period()->mutable_end_date() = D(2021, 9, 1); }, {}},
        CommunityRow{"type_missing", [](Community& c) { c.clear_type(); }, {"community.type"}},
        CommunityRow{"type_unknown", [](Community& c) { c.set_type(static_cast<CommunityType>(42)); }, {"community.type"}},
        CommunityRow{"name_missing", [](Community& c) { c.clear_display_name(); }, {"community.display_name"}},
        CommunityRow{"name_101_characters", [](Community& c) {
                       std::string n;
                       for (int i = 0; i < 101; ++i) n += "校";
                       c.set_display_name(n); }, {"community.display_name"}},
        CommunityRow{"name_100_characters_ok", [](Community& c) {
                       std::string n;
                       for (int i = 0; i < 100; ++i) n += "校";
                       c.set_display_name(n); }, {}},
        CommunityRow{"core_missing", [](Community& c) { c.clear_core_school(); }, {"community.core_school"}},
        CommunityRow{"core_malformed", [](Community& c) { c.set_core_school("2133102401"); }, {"community.core_school"}},
        CommunityRow{"member_is_core", [](Community& c) { c.mutable_members(1)->set_school(kCore); }, {"community.members[1].school"}},
        CommunityRow{"member_twice", [](Community& c) { c.add_members()->set_school(kDuiyang); }, {"community.members[2].school"}},
        CommunityRow{"member_malformed", [](Community& c) { c.mutable_members(0)->set_school("schools/12"); }, {"community.members[0].school"}},
        CommunityRow{"member_join_date_invalid", [](Community& c) { *c.mutable_members(0)->mutable_join_date() = D(2021, 2, 30); }, {"community.members[0].join_date"}},
        CommunityRow{"no_members", [](Community& c) { c.clear_members(); }, {"community.members"}},
        CommunityRow{"fifty_one_members", [](Community& c) {
                       c.clear_members();
                       for (int i = 0; i < 51; ++i) c.add_members()->set_school("schools/21331025" + std::to_string(10 + i)); },
                     {"community.members"}},
        CommunityRow{"teachers_outside_research", [](Community& c) { c.add_teacher_members("teachers/t-1"); }, {"community.teacher_members"}},
        CommunityRow{"research_teacher_malformed",
                     [](Community& c) { c.set_type(COMMUNITY_TYPE_RESEARCH); c.add_teacher_members("teacher/1"); }, {"community.teacher_members[0]"}},
        CommunityRow{"region_malformed", [](Community& c) { c.set_region_code("33102"); }, {"community.region_code"}},
        CommunityRow{"region_ok", [](Community& c) { c.set_region_code("331024"); }, {}},
        CommunityRow{"period_missing", [](Community& c) { c.clear_period(); }, {"community.period.start_date"}},
        CommunityRow{"start_missing", [](Community& c) { c.mutable_period()->clear_start_date(); }, {"community.period.start_date"}},
        CommunityRow{"start_after_end", [](Community& c) { *c.mutable_period()->mutable_end_date() = D(2021, 8, 31); }, {"community.period.end_date"}},
        CommunityRow{"end_not_a_date", [](Community& c) { *c.mutable_period()->mutable_end_date() = D(2023, 13, 1); }, {"community.period.end_date"}},
        CommunityRow{"leading_role_missing", [](Community& c) { c.mutable_leading_group(0)->clear_role(); }, {"community.leading_group[0].role"}},
        CommunityRow{"leading_person_unnamed", [](Community& c) { c.mutable_leading_group(0)->mutable_person()->clear_display_name(); },
                     {"community.leading_group[0].person.display_name"}},
        CommunityRow{"agreement_without_title", [](Community& c) { c.mutable_agreement()->mutable_document()->set_uri("https://x/y.pdf"); },
                     {"community.agreement.document.title"}},
        CommunityRow{"description_too_long", [](Community& c) { c.set_description(std::string(2001, 'x')); }, {"community.description"}}),
    [](const auto& info) { return info.param.name; });

// ---- pairing fields (INVALID_ARGUMENT) ----

struct PairingRow {
  std::string name;
  std::function<void(Pairing&)> change;
  std::vector<std::string> fields;
};

class PairingValidation : public ::testing::TestWithParam<PairingRow> {};

TEST_P(PairingValidation, FlagsExactlyTheOffendingFields) {
  Pairing p = ValidPairing();
  GetParam().change(p);
  std::vector<std::string> got;
  for (const auto& v : PairingViolations(p, "pairing")) got.push_back(v.field);
  EXPECT_EQ(got, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, PairingValidation,
    ::testing::Values(
        PairingRow{"valid_eight_subjects", [](Pairing&) {}, {}},
        PairingRow{"valid_other_subject", [](Pairing& p) { auto* s = p.add_subjects(); s->set_code(SUBJECT_CODE_OTHER); s->set_custom_name("围棋"); }, {}},
        PairingRow{"valid_teacher_contact", [](Pairing& p) { p.mutable_core_contact()->mutable_person()->clear_display_name();
                                                            p.mutable_core_contact()->mutable_person()->set_teacher("teachers/t-7"); }, {}},
        PairingRow{"member_is_core", [](Pairing& p) { p.set_member_school(kCore); }, {"pairing.member_school"}},
        PairingRow{"core_missing", [](Pairing& p) { p.clear_core_school(); }, {"pairing.core_school"}},
        PairingRow{"member_malformed", [](Pairing& p) { p.set_member_school("schools/x"); }, {"pairing.member_school"}},
        PairingRow{"no_subjects", [](Pairing& p) { p.clear_subjects(); }, {"pairing.subjects"}},
        PairingRow{"subject_twice", [](Pairing& p) { p.add_subjects()->set_code(SUBJECT_CODE_CHINESE); }, {"pairing.subjects[8]"}},
        PairingRow{"subject_unspecified", [](Pairing& p) { p.add_subjects()->set_code(SUBJECT_CODE_UNSPECIFIED); }, {"pairing.subjects[8].code"}},
        PairingRow{"other_without_name", [](Pairing& p) { p.add_subjects()->set_code(SUBJECT_CODE_OTHER); }, {"pairing.subjects[8].custom_name"}},
        PairingRow{"custom_name_on_listed_subject", [](Pairing& p) { p.mutable_subjects(1)->set_custom_name("奥数"); }, {"pairing.subjects[1].custom_name"}},
        PairingRow{"other_twice_same_name", [](Pairing& p) {
                     for (int i = 0; i < 2; ++i) { auto* s = p.add_subjects(); s->set_code(SUBJECT_CODE_OTHER); s->set_custom_name(i ? " 围棋" : "围棋"); } },
                   {"pairing.subjects[9]"}},
        PairingRow{"thirty_one_subjects", [](Pairing& p) {
                     p.clear_subjects();
                     for (int i = 0; i < 31; ++i) { auto* s = p.add_subjects(); s->set_code(SUBJECT_CODE_OTHER); s->set_custom_name("兴趣" + std::to_string(i)); } },
                   {"pairing.subjects"}},
        PairingRow{"core_contact_missing", [](Pairing& p) { p.clear_core_contact(); }, {"pairing.core_contact"}},
        PairingRow{"member_contact_missing", [](Pairing& p) { p.clear_member_contact(); }, {"pairing.member_contact"}},
        PairingRow{"contact_unnamed", [](Pairing& p) { p.mutable_member_contact()->mutable_person()->clear_display_name(); },
                   {"pairing.member_contact.person.display_name"}},
        PairingRow{"contact_phone_bad", [](Pairing& p) { p.mutable_core_contact()->set_phone("call me"); }, {"pairing.core_contact.phone"}},
        PairingRow{"contact_email_bad", [](Pairing& p) { p.mutable_core_contact()->set_email("a@b@c"); }, {"pairing.core_contact.email"}},
        PairingRow{"period_missing", [](Pairing& p) { p.clear_period(); }, {"pairing.period.start_date"}},
        PairingRow{"start_after_end", [](Pairing& p) { *p.mutable_period()->mutable_start_date() = D(2025, 1, 1); }, {"pairing.period.end_date"}}),
    [](const auto& info) { return info.param.name; });

// ---- against the database's facts (FAILED_PRECONDITION) ----

struct FactRow {
  std::string name;
  std::function<absl::Status()> check;
  absl::StatusCode code;
  std::string field;  // "" when OK
};

class FactRules : public ::testing::TestWithParam<FactRow> {};

TEST_P(FactRules, GiveTheCodeAndNameTheField) {
  absl::Status s = GetParam().check();
  EXPECT_EQ(s.code(), GetParam().code) << s;
  if (!GetParam().field.empty()) { EXPECT_EQ(FieldsOf(s), std::vector<std::string>{GetParam().field}) << s; }
}

SchoolFacts AllLive() {
  return {{"2133102401", {false, "331024"}}, {"2133102402", {false, "331024"}}, {"2133102403", {false, "331024"}}};
}

Community InOtherCommunity() {
  Community c = ValidCommunity();
  c.set_core_school(kOther);
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, FactRules,
    ::testing::Values(
        FactRow{"schools_live", [] { return CommunitySchoolsLive(ValidCommunity(), AllLive(), "community"); },
                absl::StatusCode::kOk, ""},
        FactRow{"core_missing", [] { auto f = AllLive(); f.erase("2133102401"); return CommunitySchoolsLive(ValidCommunity(), f, "community"); },
                absl::StatusCode::kFailedPrecondition, "community.core_school"},
        FactRow{"member_deleted", [] { auto f = AllLive(); f["2133102403"].deleted = true; return CommunitySchoolsLive(ValidCommunity(), f, "community"); },
                absl::StatusCode::kFailedPrecondition, "community.members[1].school"},
        FactRow{"fused_elsewhere", [] { Community c = ValidCommunity(); c.set_type(COMMUNITY_TYPE_FUSED);
                                        return FusedExclusive(c, {{"2133102402", "communities/other"}}, "community"); },
                absl::StatusCode::kFailedPrecondition, "community.members[0].school"},
        FactRow{"co_built_may_share_schools", [] { return FusedExclusive(ValidCommunity(), {{"2133102402", "communities/other"}}, "community"); },
                absl::StatusCode::kOk, ""},
        FactRow{"paired_member_removed", [] { Community after = ValidCommunity(); after.mutable_members()->RemoveLast();
                                              return KeepsPairedSchools(ValidCommunity(), after, {"2133102403"}, "community"); },
                absl::StatusCode::kFailedPrecondition, "community.members"},
        FactRow{"unpaired_member_removed", [] { Community after = ValidCommunity(); after.mutable_members()->RemoveLast();
                                                return KeepsPairedSchools(ValidCommunity(), after, {"2133102402"}, "community"); },
                absl::StatusCode::kOk, ""},
        FactRow{"core_changed_with_pairings", [] { Community after = ValidCommunity(); after.set_core_school(kOther);
                                                   return KeepsPairedSchools(ValidCommunity(), after, {"2133102402"}, "community"); },
                absl::StatusCode::kFailedPrecondition, "community.core_school"},
        FactRow{"in_force_without_leader", [] { Community c = ValidCommunity(); c.clear_leading_group();
                                                return LeaderOnceInForce(c, D(2022, 1, 1), "community"); },
                absl::StatusCode::kFailedPrecondition, "community.leading_group"},
        FactRow{"not_yet_in_force_without_leader", [] { Community c = ValidCommunity(); c.clear_leading_group();
                                                        return LeaderOnceInForce(c, D(2021, 8, 31), "community"); },
                absl::StatusCode::kOk, ""},
        FactRow{"pairing_fits", [] { return PairingFitsCommunity(ValidPairing(), ValidCommunity(), "pairing"); },
                absl::StatusCode::kOk, ""},
        FactRow{"pairing_core_of_another_community", [] { return PairingFitsCommunity(ValidPairing(), InOtherCommunity(), "pairing"); },
                absl::StatusCode::kFailedPrecondition, "pairing.core_school"},
        FactRow{"pairing_member_not_a_member", [] { Pairing p = ValidPairing(); p.set_member_school(kOther);
                                                    return PairingFitsCommunity(p, ValidCommunity(), "pairing"); },
                absl::StatusCode::kFailedPrecondition, "pairing.member_school"},
        FactRow{"pairing_starts_before_community", [] { Pairing p = ValidPairing(); *p.mutable_period()->mutable_start_date() = D(2021, 8, 1);
                                                        return PairingFitsCommunity(p, ValidCommunity(), "pairing"); },
                absl::StatusCode::kFailedPrecondition, "pairing.period.start_date"},
        FactRow{"pairing_open_ended_in_bounded_community", [] { Pairing p = ValidPairing(); p.mutable_period()->clear_end_date();
                                                                return PairingFitsCommunity(p, ValidCommunity(), "pairing"); },
                absl::StatusCode::kFailedPrecondition, "pairing.period.end_date"},
        FactRow{"pairing_member_deleted", [] { auto f = AllLive(); f["2133102402"].deleted = true;
                                               return PairingSchoolsLive(ValidPairing(), f, "pairing"); },
                absl::StatusCode::kFailedPrecondition, "pairing.member_school"}),
    [](const auto& info) { return info.param.name; });

// ---- access ----

struct AccessRow {
  std::string name;
  auth::Role role;
  std::string region, school;
  bool read, write;
};

class CommunityAccess : public ::testing::TestWithParam<AccessRow> {};

// 仙居 (331024) core with a member in 临海 (331082).
CommunityReach Reach() {
  return CommunityReach{"331024", {"2133102401", "2133108201"}, {"331024", "331082"}};
}

TEST_P(CommunityAccess, ReadAndWriteAsTheRoleAllows) {
  auth::Principal p;
  p.role = GetParam().role;
  p.region_prefix = GetParam().region;
  p.school_code = GetParam().school;
  EXPECT_EQ(CanReadCommunity(p, Reach()).ok(), GetParam().read);
  EXPECT_EQ(CanWriteCommunity(p, Reach()).ok(), GetParam().write);
  if (!GetParam().write) { EXPECT_EQ(CanWriteCommunity(p, Reach()).code(), absl::StatusCode::kPermissionDenied); }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CommunityAccess,
    ::testing::Values(
        AccessRow{"province", auth::Role::kProvinceAdmin, "", "", true, true},
        AccessRow{"service", auth::Role::kService, "", "", true, true},
        AccessRow{"city_covering_all", auth::Role::kCountyBureau, "3310", "", true, true},
        AccessRow{"county_of_the_core_only", auth::Role::kCountyBureau, "331024", "", true, false},
        AccessRow{"county_of_a_member_only", auth::Role::kCountyBureau, "331082", "", true, false},
        AccessRow{"county_elsewhere", auth::Role::kCountyBureau, "520625", "", false, false},
        AccessRow{"school_admin_of_a_member", auth::Role::kSchoolAdmin, "", "2133108201", true, false},
        AccessRow{"school_admin_elsewhere", auth::Role::kSchoolAdmin, "", "2133102499", false, false},
        AccessRow{"teacher", auth::Role::kTeacher, "", "2133102499", true, false},
        AccessRow{"township_head", auth::Role::kTownshipHead, "331024103", "", false, false}),
    [](const auto& info) { return info.param.name; });

TEST(CommunityAccessScope, ListsAreLimitedPerRole) {
  auth::Principal p;
  p.role = auth::Role::kCountyBureau;
  p.region_prefix = "3310";
  EXPECT_EQ(CommunityReadScope(p)->region_prefix, "3310");
  p.role = auth::Role::kSchoolAdmin;
  p.school_code = "2133102401";
  EXPECT_EQ(CommunityReadScope(p)->school_code, "2133102401");
  p.role = auth::Role::kTeacher;
  EXPECT_TRUE(CommunityReadScope(p)->region_prefix.empty());
  p.role = auth::Role::kTownshipHead;
  EXPECT_EQ(CommunityReadScope(p).status().code(), absl::StatusCode::kPermissionDenied);
  p.role = auth::Role::kCountyBureau;
  EXPECT_TRUE(MayWriteCommunities(p).ok());
  p.role = auth::Role::kSchoolAdmin;
  EXPECT_EQ(MayWriteCommunities(p).code(), absl::StatusCode::kPermissionDenied);
}

// ---- names ----

TEST(CommunityNames, ParseAndFormat) {
  EXPECT_EQ(*ParseCommunityName("communities/xianju-1", "name"), "xianju-1");
  auto key = ParsePairingName("communities/xianju-1/pairings/duiyang", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->community_id, "xianju-1");
  EXPECT_EQ(key->pairing_id, "duiyang");
  EXPECT_EQ(PairingName("a", "b"), "communities/a/pairings/b");
  EXPECT_EQ(*ParsePairingParent("communities/-", "parent"), "");
  const std::vector<std::string> bad_names = {"", "communities/", "communities/Xianju", "communities/-a", "community/a",
                                              "communities/a/pairings/", "communities/" + std::string(41, 'a')};
  for (const auto& bad : bad_names) {
    EXPECT_EQ(ParseCommunityName(bad, "name").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParsePairingName("communities/a/pairings/B", "name").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsResourceId(GenerateResourceId("c")));
}

TEST(CommunityValues, DatesAndSubjects) {
  google::type::Date d;
  EXPECT_TRUE(ParseIsoDate("2024-02-29", &d));
  EXPECT_EQ(IsoDate(d), "2024-02-29");
  EXPECT_FALSE(ParseIsoDate("2023-02-29", &d));
  EXPECT_FALSE(ParseIsoDate("2023-2-1", &d));
  EXPECT_EQ(SeedPairingSubjects().size(), 8u);
  gongtong::common::v1::Subject s;
  s.set_code(gongtong::common::v1::SUBJECT_CODE_HOMEROOM_WORK);
  EXPECT_EQ(SubjectDisplayName(s), "班主任工作");
}

// School.communities and fused_into from the school's live communities
// (school.proto: output only, maintained from the communities).
struct MembershipRow {
  std::string name;
  std::vector<SchoolMembership> memberships;
  std::vector<std::string> stored_communities;
  std::string stored_fused_into;
  std::vector<std::string> communities;
  std::string fused_into;
  bool changed;
};

TEST(SchoolCommunityFields, FollowTheLiveCommunities) {
  const std::string self = "2133102401", core = "2133102402";
  const auto fused = gongtong::registry::v1::COMMUNITY_TYPE_FUSED;
  const auto co_built = gongtong::registry::v1::COMMUNITY_TYPE_CO_BUILT;
  const std::vector<MembershipRow> rows = {
      {"none", {}, {}, "", {}, "", false},
      {"member of a co-built community", {{"c1", co_built, core}}, {}, "", {"communities/c1"}, "", true},
      {"member of a fused one: fused into its core", {{"f1", fused, core}}, {}, "", {"communities/f1"},
       "schools/" + core, true},
      {"core of a fused one: fused into nobody", {{"f1", fused, self}}, {}, "", {"communities/f1"}, "", true},
      {"names sorted", {{"c9", co_built, core}, {"c1", co_built, core}}, {}, "", {"communities/c1", "communities/c9"},
       "", true},
      {"already up to date", {{"c1", co_built, core}}, {"communities/c1"}, "", {"communities/c1"}, "", false},
      {"left its last community", {}, {"communities/f1"}, "schools/" + core, {}, "", true},
  };
  for (const auto& r : rows) {
    School s;
    s.set_school_code(self);
    for (const auto& c : r.stored_communities) s.add_communities(c);
    s.set_fused_into(r.stored_fused_into);
    EXPECT_EQ(SetCommunityFields(r.memberships, &s), r.changed) << r.name;
    EXPECT_EQ(std::vector<std::string>(s.communities().begin(), s.communities().end()), r.communities) << r.name;
    EXPECT_EQ(s.fused_into(), r.fused_into) << r.name;
  }
}

}  // namespace
}  // namespace gongtong::registry
