// Table-driven tests of the pure Party organisation rules
// (registry/domain/party_rules.h, party_access.h): one row per case of each
// R-PARTY-ORG rule, named in the row; likewise the secretary studio rules
// (registry/domain/studio_rules.h, R-STUDIO-…).
#include <gtest/gtest.h>

#include "registry/domain/party_access.h"
#include "registry/domain/party_rules.h"
#include "registry/domain/studio_rules.h"

namespace gongtong::registry {
namespace {

namespace rv1 = gongtong::registry::v1;
constexpr char kA[] = "schools/2133000001";
constexpr char kB[] = "schools/2150000002";

PartyOrganization Org(rv1::PartyOrganizationKind kind, std::vector<std::string> schools) {
  PartyOrganization o;
  o.set_display_name("党组织");
  o.set_kind(kind);
  for (auto& s : schools) o.add_schools(s);
  return o;
}

std::vector<std::string> FieldsOf(const std::vector<Violation>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.field);
  return out;
}

TEST(PartyRules, OwnFieldViolations) {
  struct Row {
    const char* rule;
    std::function<void(PartyOrganization&)> change;
    rv1::PartyOrganizationKind kind;
    std::vector<std::string> schools;
    std::vector<std::string> fields;  // expected violations, in order
  };
  using K = rv1::PartyOrganizationKind;
  const K kBranch = rv1::PARTY_ORGANIZATION_KIND_BRANCH, kJoint = rv1::PARTY_ORGANIZATION_KIND_JOINT_COMMITTEE;
  const std::vector<Row> rows = {
      {"R-PARTY-ORG-1 valid branch", nullptr, kBranch, {kA}, {}},
      {"R-PARTY-ORG-1 kind missing", nullptr, rv1::PARTY_ORGANIZATION_KIND_UNSPECIFIED, {kA}, {"o.kind"}},
      {"R-PARTY-ORG-1 name empty", [](auto& o) { o.set_display_name("  "); }, kBranch, {kA}, {"o.display_name"}},
      {"R-PARTY-ORG-1 name 101 characters", [](auto& o) { o.set_display_name(std::string(101, 'x')); }, kBranch,
       {kA}, {"o.display_name"}},
      {"R-PARTY-ORG-1 name 100 Chinese characters",
       [](auto& o) {
         std::string n;
         for (int i = 0; i < 100; ++i) n += "党";
         o.set_display_name(n);
       },
       kBranch, {kA}, {}},
      {"R-PARTY-ORG-2 joint committee of two", nullptr, kJoint, {kA, kB}, {}},
      {"R-PARTY-ORG-2 joint committee of one", nullptr, kJoint, {kA}, {"o.schools"}},
      {"R-PARTY-ORG-2 branch without school", nullptr, kBranch, {}, {"o.schools"}},
      {"R-PARTY-ORG-2 branch of two schools", nullptr, kBranch, {kA, kB}, {"o.schools"}},
      {"R-PARTY-ORG-2 school listed twice", nullptr, kJoint, {kA, kA}, {"o.schools[1]"}},
      {"R-PARTY-ORG-2 malformed school", nullptr, kBranch, {"schools/123"}, {"o.schools[0]"}},
      {"R-PARTY-ORG-3 both superiors",
       [](auto& o) {
         o.set_superior("partyOrganizations/top");
         o.set_external_superior("五和镇党委");
       },
       kBranch, {kA}, {"o.external_superior"}},
      {"R-PARTY-ORG-3 external superior only", [](auto& o) { o.set_external_superior("五和镇党委"); }, kBranch,
       {kA}, {}},
      {"R-PARTY-ORG-3 malformed superior", [](auto& o) { o.set_superior("top"); }, kBranch, {kA}, {"o.superior"}},
      {"R-PARTY-ORG-3 itself as superior", [](auto& o) { o.set_superior("partyOrganizations/me"); }, kBranch, {kA},
       {"o.superior"}},
      {"R-PARTY-ORG-4 secretary without name", [](auto& o) { o.mutable_secretary()->set_position("书记"); },
       kBranch, {kA}, {"o.secretary.display_name"}},
      {"R-PARTY-ORG-4 secretary a teacher", [](auto& o) { o.mutable_secretary()->set_teacher("teachers/t-1"); },
       kBranch, {kA}, {}},
      {"R-PARTY-ORG-4 officer without role",
       [](auto& o) { o.add_officers()->mutable_person()->set_display_name("张"); }, kBranch, {kA},
       {"o.officers[0].role"}},
      {"R-PARTY-ORG-4 21 officers",
       [](auto& o) {
         for (int i = 0; i < 21; ++i) {
           auto* x = o.add_officers();
           x->set_role(rv1::PARTY_OFFICER_ROLE_COMMITTEE_MEMBER);
           x->mutable_person()->set_display_name("委员");
         }
       },
       kBranch, {kA}, {"o.officers"}},
  };
  for (const auto& row : rows) {
    PartyOrganization o = Org(row.kind, row.schools);
    if (row.change) row.change(o);
    EXPECT_EQ(FieldsOf(PartyOrganizationViolations(o, "me", "o")), row.fields) << row.rule;
  }
}

TEST(PartyRules, FactsAgainstTheDatabase) {
  SchoolFacts schools = {{"2133000001", {false, "331024"}}, {"2150000002", {true, "500154"}}};
  struct Row {
    const char* rule;
    std::vector<std::string> schools;
    std::string superior;
    PartyOrgFacts orgs;
    absl::StatusCode code;
  };
  const std::vector<Row> rows = {
      {"R-PARTY-ORG-5 live school, no superior", {kA}, "", {}, absl::StatusCode::kOk},
      {"R-PARTY-ORG-5 unknown school", {"schools/2133999999"}, "", {}, absl::StatusCode::kNotFound},
      {"R-PARTY-ORG-5 deleted school", {kB}, "", {}, absl::StatusCode::kFailedPrecondition},
      {"R-PARTY-ORG-5 unknown superior", {kA}, "partyOrganizations/up", {}, absl::StatusCode::kNotFound},
      {"R-PARTY-ORG-5 deleted superior", {kA}, "partyOrganizations/up", {{"up", {true, ""}}},
       absl::StatusCode::kFailedPrecondition},
      {"R-PARTY-ORG-5 chain to the top", {kA}, "partyOrganizations/up",
       {{"up", {false, "top"}}, {"top", {false, ""}}}, absl::StatusCode::kOk},
      {"R-PARTY-ORG-5 chain back to itself", {kA}, "partyOrganizations/up",
       {{"up", {false, "top"}}, {"top", {false, "me"}}}, absl::StatusCode::kFailedPrecondition},
      {"R-PARTY-ORG-5 direct two-cycle", {kA}, "partyOrganizations/up", {{"up", {false, "me"}}},
       absl::StatusCode::kFailedPrecondition},
      {"R-PARTY-ORG-5 a cycle above (not through it)", {kA}, "partyOrganizations/up",
       {{"up", {false, "top"}}, {"top", {false, "up"}}}, absl::StatusCode::kFailedPrecondition},
  };
  for (const auto& row : rows) {
    PartyOrganization o = Org(rv1::PARTY_ORGANIZATION_KIND_BRANCH, row.schools);
    o.set_superior(row.superior);
    absl::Status s = PartySchoolsLive(o, schools, "o");
    if (s.ok()) s = SuperiorAcyclic("me", o, row.orgs, "o");
    EXPECT_EQ(s.code(), row.code) << row.rule << ": " << s;
  }
}

TEST(PartyRules, DeleteNeedsNoMembersAndNoSubordinates) {
  EXPECT_TRUE(PartyOrganizationUnreferenced({}, {}).ok()) << "R-PARTY-ORG-6 unreferenced";
  EXPECT_EQ(PartyOrganizationUnreferenced({"teachers/t-1"}, {}).code(), absl::StatusCode::kFailedPrecondition)
      << "R-PARTY-ORG-6 a member";
  EXPECT_EQ(PartyOrganizationUnreferenced({}, {"partyOrganizations/b"}).code(), absl::StatusCode::kFailedPrecondition)
      << "R-PARTY-ORG-6 a subordinate";
}

TEST(PartyRules, JointBuildingViolations) {
  struct Row {
    const char* rule;
    std::function<void(PartyJointBuilding&)> change;
    std::vector<std::string> fields;
  };
  const std::vector<Row> rows = {
      {"R-PARTY-JB-1 valid with a village", nullptr, {}},
      {"R-PARTY-JB-1 valid with an organisation", [](auto& j) { j.set_partner_organization("partyOrganizations/b"); },
       {}},
      {"R-PARTY-JB-1 no partner", [](auto& j) { j.clear_partner(); }, {"j.partner_organization"}},
      {"R-PARTY-JB-1 itself as partner", [](auto& j) { j.set_partner_organization("partyOrganizations/a"); },
       {"j.partner_organization"}},
      {"R-PARTY-JB-1 organisation missing", [](auto& j) { j.clear_organization(); }, {"j.organization"}},
      {"R-PARTY-JB-1 unit kind missing", [](auto& j) { j.mutable_partner_unit()->clear_kind(); },
       {"j.partner_unit.kind"}},
      {"R-PARTY-JB-1 unit region 7 digits", [](auto& j) { j.mutable_partner_unit()->set_region_code("3310241"); },
       {"j.partner_unit.region_code"}},
      {"R-PARTY-JB-1 village code 12 digits",
       [](auto& j) { j.mutable_partner_unit()->set_region_code("331024100201"); }, {}},
      {"R-PARTY-JB-1 five liaisons",
       [](auto& j) {
         for (int i = 0; i < 5; ++i) j.add_liaisons()->set_display_name("联络员");
       },
       {"j.liaisons"}},
      {"R-PARTY-JB-1 no start date", [](auto& j) { j.clear_period(); }, {"j.period.start_date"}},
  };
  for (const auto& row : rows) {
    PartyJointBuilding j;
    j.set_display_name("结对共建");
    j.set_organization("partyOrganizations/a");
    j.mutable_partner_unit()->set_display_name("阳冲村");
    j.mutable_partner_unit()->set_kind(rv1::EXTERNAL_UNIT_KIND_VILLAGE);
    j.mutable_period()->mutable_start_date()->set_year(2025);
    j.mutable_period()->mutable_start_date()->set_month(9);
    j.mutable_period()->mutable_start_date()->set_day(1);
    if (row.change) row.change(j);
    EXPECT_EQ(FieldsOf(PartyJointBuildingViolations(j, "j")), row.fields) << row.rule;
  }
  PartyJointBuilding j;
  j.set_partner_organization("partyOrganizations/b");
  EXPECT_EQ(PartnerKey(j), "org:b") << "R-PARTY-JB-2 pair key";
  const PartyOrgFacts orgs = {{"a", {false, ""}}, {"d", {true, ""}}};
  EXPECT_TRUE(PartyOrganizationLive("partyOrganizations/a", orgs, "f").ok()) << "R-PARTY-JB-2 live";
  EXPECT_EQ(PartyOrganizationLive("partyOrganizations/x", orgs, "f").code(), absl::StatusCode::kNotFound)
      << "R-PARTY-JB-2 unknown";
  EXPECT_EQ(PartyOrganizationLive("partyOrganizations/d", orgs, "f").code(), absl::StatusCode::kFailedPrecondition)
      << "R-PARTY-JB-2 deleted";
}

TEST(PartyAccess, EachRoleAndItsReach) {
  using auth::Role;
  auto P = [](Role role, std::string region, std::string school) {
    auth::Principal p;
    p.role = role;
    p.region_prefix = region;
    p.school_code = school;
    return p;
  };
  const PartyReach xianju{{"2133000001"}, {"331024"}};
  const PartyReach joint{{"2133000001", "2150000002"}, {"331024", "500154"}};
  struct Row {
    const char* rule;
    auth::Principal p;
    PartyReach reach;
    std::vector<std::string> paths;
    bool may;
  };
  const std::vector<Row> rows = {
      {"province writes all", P(Role::kProvinceAdmin, "", ""), joint, {"display_name"}, true},
      {"county in its region", P(Role::kCountyBureau, "331024", ""), xianju, {"display_name"}, true},
      {"county outside for a school", P(Role::kCountyBureau, "331024", ""), joint, {"display_name"}, false},
      {"school admin secretary of own", P(Role::kSchoolAdmin, "", "2133000001"), xianju, {"secretary"}, true},
      {"school admin officers of own", P(Role::kSchoolAdmin, "", "2133000001"), xianju, {"officers"}, true},
      {"school admin name of own", P(Role::kSchoolAdmin, "", "2133000001"), xianju, {"display_name"}, false},
      {"school admin joint committee", P(Role::kSchoolAdmin, "", "2133000001"), joint, {"secretary"}, false},
      {"school admin other school", P(Role::kSchoolAdmin, "", "2133000009"), xianju, {"secretary"}, false},
      {"teacher", P(Role::kTeacher, "", "2133000001"), xianju, {"secretary"}, false},
  };
  for (const auto& row : rows) {
    absl::Status s = MayUpdateParty(row.p, row.paths);
    if (s.ok()) s = CanWriteParty(row.p, row.reach);
    EXPECT_EQ(s.ok(), row.may) << row.rule << ": " << s;
    EXPECT_TRUE(CanReadParty(row.p).ok()) << row.rule << " reads";
  }
  EXPECT_FALSE(MayWriteParty(P(Role::kSchoolAdmin, "", "2133000001")).ok());
  EXPECT_FALSE(CanReadParty(P(Role::kTownshipHead, "331024001", "")).ok());
}

// A valid primary studio of 仙居: one host, one member secretary, 2 years.
SecretaryStudio Studio() {
  SecretaryStudio s;
  s.set_display_name("张红书记工作室");
  s.set_region_code("331024");
  s.set_stage(gongtong::common::v1::SCHOOL_STAGE_PRIMARY);
  s.set_host_school(kA);
  auto* host = s.add_members();
  host->set_role(rv1::STUDIO_ROLE_HOST);
  host->mutable_person()->set_teacher("teachers/t-host");
  auto* member = s.add_members();
  member->set_role(rv1::STUDIO_ROLE_MEMBER_SECRETARY);
  member->mutable_person()->set_display_name("李书记");
  auto* c = s.mutable_cycle();
  c->mutable_start_date()->set_year(2026);
  c->mutable_start_date()->set_month(9);
  c->mutable_start_date()->set_day(1);
  c->mutable_end_date()->set_year(2028);
  c->mutable_end_date()->set_month(8);
  c->mutable_end_date()->set_day(31);
  return s;
}

TEST(StudioRules, OwnFieldViolations) {
  struct Row {
    const char* rule;
    std::function<void(SecretaryStudio&)> change;
    std::vector<std::string> fields;  // expected violations, in order
  };
  auto add = [](SecretaryStudio& s, rv1::StudioRole role, std::string teacher, std::string name) {
    auto* m = s.add_members();
    m->set_role(role);
    m->mutable_person()->set_teacher(teacher);
    m->mutable_person()->set_display_name(name);
  };
  const std::vector<Row> rows = {
      {"R-STUDIO-1 valid studio", nullptr, {}},
      {"R-STUDIO-1 name empty", [](auto& s) { s.set_display_name(" "); }, {"s.display_name"}},
      {"R-STUDIO-1 name 101 characters", [](auto& s) { s.set_display_name(std::string(101, 'x')); },
       {"s.display_name"}},
      {"R-STUDIO-1 region missing", [](auto& s) { s.clear_region_code(); }, {"s.region_code"}},
      {"R-STUDIO-1 region township-level", [](auto& s) { s.set_region_code("331024001"); }, {"s.region_code"}},
      {"R-STUDIO-1 region not a province", [](auto& s) { s.set_region_code("991024"); }, {"s.region_code"}},
      {"R-STUDIO-1 region of four digits", [](auto& s) { s.set_region_code("3310"); }, {"s.region_code"}},
      {"R-STUDIO-1 stage missing", [](auto& s) { s.clear_stage(); }, {"s.stage"}},
      {"R-STUDIO-4 host school malformed", [](auto& s) { s.set_host_school("schools/1"); }, {"s.host_school"}},
      {"R-STUDIO-4 host school optional", [](auto& s) { s.clear_host_school(); }, {}},
      {"R-STUDIO-2 mentors and assistant too",
       [&](auto& s) {
         add(s, rv1::STUDIO_ROLE_MENTOR, "", "王导师");
         add(s, rv1::STUDIO_ROLE_MENTOR, "teachers/t-m", "");
         add(s, rv1::STUDIO_ROLE_ASSISTANT, "", "助理");
       },
       {}},
      {"R-STUDIO-2 no host", [](auto& s) { s.mutable_members()->DeleteSubrange(0, 1); }, {"s.members"}},
      {"R-STUDIO-2 two hosts", [&](auto& s) { add(s, rv1::STUDIO_ROLE_HOST, "teachers/t-2", ""); }, {"s.members"}},
      {"R-STUDIO-2 no member secretary", [](auto& s) { s.mutable_members()->DeleteSubrange(1, 1); },
       {"s.members"}},
      {"R-STUDIO-2 role missing", [&](auto& s) { add(s, rv1::STUDIO_ROLE_UNSPECIFIED, "", "某人"); },
       {"s.members[2].role"}},
      {"R-STUDIO-2 person without name", [&](auto& s) { add(s, rv1::STUDIO_ROLE_MENTOR, "", ""); },
       {"s.members[2].person.display_name"}},
      {"R-STUDIO-2 teacher twice", [&](auto& s) { add(s, rv1::STUDIO_ROLE_MENTOR, "teachers/t-host", ""); },
       {"s.members[2].person"}},
      {"R-STUDIO-2 external name twice", [&](auto& s) { add(s, rv1::STUDIO_ROLE_ASSISTANT, "", "李书记"); },
       {"s.members[2].person"}},
      {"R-STUDIO-2 61 members",
       [&](auto& s) {
         for (int i = 0; i < 59; ++i) add(s, rv1::STUDIO_ROLE_MEMBER_SECRETARY, "", "书记" + std::to_string(i));
       },
       {"s.members"}},
      {"R-STUDIO-2 60 members",
       [&](auto& s) {
         for (int i = 0; i < 58; ++i) add(s, rv1::STUDIO_ROLE_MEMBER_SECRETARY, "", "书记" + std::to_string(i));
       },
       {}},
      {"R-STUDIO-3 cycle missing", [](auto& s) { s.clear_cycle(); }, {"s.cycle"}},
      {"R-STUDIO-3 end missing", [](auto& s) { s.mutable_cycle()->clear_end_date(); }, {"s.cycle"}},
      {"R-STUDIO-3 invalid date", [](auto& s) { s.mutable_cycle()->mutable_end_date()->set_month(13); },
       {"s.cycle"}},
      {"R-STUDIO-3 end before start", [](auto& s) { s.mutable_cycle()->mutable_end_date()->set_year(2026); 
                                                    s.mutable_cycle()->mutable_end_date()->set_month(8); },
       {"s.cycle.end_date"}},
      {"R-STUDIO-3 exactly 3 years", [](auto& s) { s.mutable_cycle()->mutable_end_date()->set_year(2029);
                                                   s.mutable_cycle()->mutable_end_date()->set_month(9);
                                                   s.mutable_cycle()->mutable_end_date()->set_day(1); },
       {}},
      {"R-STUDIO-3 over 3 years", [](auto& s) { s.mutable_cycle()->mutable_end_date()->set_year(2029);
                                                s.mutable_cycle()->mutable_end_date()->set_month(9);
                                                s.mutable_cycle()->mutable_end_date()->set_day(2); },
       {"s.cycle.end_date"}},
  };
  for (const auto& row : rows) {
    SecretaryStudio s = Studio();
    if (row.change) row.change(s);
    EXPECT_EQ(FieldsOf(SecretaryStudioViolations(s, "s")), row.fields) << row.rule;
  }
}

TEST(StudioRules, NamesAndHostSchoolFacts) {
  EXPECT_EQ(SecretaryStudioName("st-1"), "secretaryStudios/st-1");
  EXPECT_EQ(*ParseSecretaryStudioName("secretaryStudios/st-1", "name"), "st-1");
  EXPECT_EQ(ParseSecretaryStudioName("secretaryStudios/ST", "name").status().code(),
            absl::StatusCode::kInvalidArgument);
  const SchoolFacts schools = {{"2133000001", {false, "331024"}}, {"2150000002", {true, "500154"}}};
  struct Row {
    const char* rule;
    std::string host_school;
    absl::StatusCode code;
  };
  const std::vector<Row> rows = {
      {"R-STUDIO-4 live host school", kA, absl::StatusCode::kOk},
      {"R-STUDIO-4 no host school", "", absl::StatusCode::kOk},
      {"R-STUDIO-4 unknown host school", "schools/2133999999", absl::StatusCode::kNotFound},
      {"R-STUDIO-4 deleted host school", kB, absl::StatusCode::kFailedPrecondition},
  };
  for (const auto& row : rows) {
    SecretaryStudio s = Studio();
    s.set_host_school(row.host_school);
    EXPECT_EQ(StudioHostSchoolLive(s, schools, "s").code(), row.code) << row.rule;
  }
}

TEST(StudioAccess, CountyOfItsRegionAndTheProvince) {
  using auth::Role;
  auto P = [](Role role, std::string region) {
    auth::Principal p;
    p.role = role;
    p.region_prefix = region;
    return p;
  };
  struct Row {
    const char* rule;
    auth::Principal p;
    std::vector<std::string> regions;
    bool may;
  };
  const std::vector<Row> rows = {
      {"province writes all", P(Role::kProvinceAdmin, ""), {"331024", "500154"}, true},
      {"service writes all", P(Role::kService, ""), {"500154"}, true},
      {"county of the region", P(Role::kCountyBureau, "331024"), {"331024"}, true},
      {"county of another region", P(Role::kCountyBureau, "331024"), {"500154"}, false},
      {"county moving it out of its region", P(Role::kCountyBureau, "331024"), {"331024", "500154"}, false},
      {"school admin", P(Role::kSchoolAdmin, ""), {"331024"}, false},
      {"teacher", P(Role::kTeacher, ""), {"331024"}, false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(CanWriteStudio(row.p, row.regions).ok(), row.may) << row.rule;
  }
}

}  // namespace
}  // namespace gongtong::registry
