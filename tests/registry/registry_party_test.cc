// RegistryService Party organisations, in-process on the common runner
// against real PostgreSQL and Redis: create/get/list/update/delete/undelete,
// the joint committee of seed 000, bad input (field named, nothing written),
// superior cycles, etags, request_id retries, each role hitting its wall,
// the change feed with tombstones and the events, and teachers' memberships
// checked against the registered organisations; joint-building relations;
// secretary studios (书记工作室).
#include <gtest/gtest.h>

#include "registry/rpc/registry_service.h"
#include "registry_test_server.h"

namespace gongtong::registry {
namespace {

using Stub = rv1::RegistryService::Stub;
using testing::Call;
using testing::Caller;
using testing::HasField;
using testing::kProvince;
using testing::RegistryServer;
namespace cv1 = gongtong::common::v1;

// Schools of this suite: 仙居 (331024) primaries, one in 开州 (500154).
std::string Code(int n, const std::string& region = "331024") {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "21%s%06d", region.substr(0, 2).c_str(), 700000 + n);
  return buf;
}

const Caller kCounty{auth::Role::kCountyBureau, "331024", ""};
const Caller kOtherCounty{auth::Role::kCountyBureau, "500154", ""};
Caller SchoolAdmin(const std::string& code) { return {auth::Role::kSchoolAdmin, "", code}; }
Caller TeacherOf(const std::string& code) { return {auth::Role::kTeacher, "", code}; }

cv1::Person Named(const std::string& name) {
  cv1::Person p;
  p.set_display_name(name);
  return p;
}

rv1::PartyOrganization Org(const std::string& name, rv1::PartyOrganizationKind kind,
                           const std::vector<std::string>& schools, const std::string& superior = "") {
  rv1::PartyOrganization o;
  o.set_display_name(name);
  o.set_kind(kind);
  for (const auto& s : schools) o.add_schools(s);
  o.set_superior(superior);
  *o.mutable_secretary() = Named("王书记");
  return o;
}

class Party : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RegistryServer("regparty"); }
  static void TearDownTestSuite() { delete server_; }
  Stub* stub() { return server_->stub(); }
  int64_t Count(const std::string& sql) { return server_->Count(sql); }

  std::string NewSchool(int n, const std::string& region = "331024") {
    rv1::CreateSchoolRequest req;
    auto* s = req.mutable_school();
    s->set_school_code(Code(n, region));
    s->set_display_name("党建测试学校" + std::to_string(n));
    s->set_region_code(region);
    s->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    s->set_school_type_code("211");
    rv1::School out;
    grpc::Status st = Call(&Stub::CreateSchool, stub(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.name();
  }

  grpc::Status Create(const rv1::PartyOrganization& o, rv1::PartyOrganization* out, const std::string& id = "",
                      const Caller& caller = kProvince, const std::string& request_id = "") {
    rv1::CreatePartyOrganizationRequest req;
    *req.mutable_party_organization() = o;
    req.set_party_organization_id(id);
    req.set_request_id(request_id);
    return Call(&Stub::CreatePartyOrganization, stub(), req, out, caller);
  }

  grpc::Status Update(const rv1::PartyOrganization& o, const std::vector<std::string>& paths,
                      rv1::PartyOrganization* out, const Caller& caller = kProvince) {
    rv1::UpdatePartyOrganizationRequest req;
    *req.mutable_party_organization() = o;
    for (const auto& p : paths) req.mutable_update_mask()->add_paths(p);
    return Call(&Stub::UpdatePartyOrganization, stub(), req, out, caller);
  }

  grpc::Status Delete(const std::string& name, rv1::PartyOrganization* out, const Caller& caller = kProvince,
                      const std::string& etag = "") {
    rv1::DeletePartyOrganizationRequest req;
    req.set_name(name);
    req.set_etag(etag);
    return Call(&Stub::DeletePartyOrganization, stub(), req, out, caller);
  }

  grpc::Status Undelete(const std::string& name, rv1::PartyOrganization* out, const Caller& caller = kProvince) {
    rv1::UndeletePartyOrganizationRequest req;
    req.set_name(name);
    return Call(&Stub::UndeletePartyOrganization, stub(), req, out, caller);
  }

  grpc::Status CreateTeacher(const std::string& school, const std::string& staff, const std::string& organization,
                             rv1::Teacher* out) {
    rv1::CreateTeacherRequest req;
    auto* t = req.mutable_teacher();
    t->set_staff_number(staff);
    t->set_display_name("教师" + staff);
    t->set_school(school);
    t->add_subjects()->set_code(cv1::SUBJECT_CODE_CHINESE);
    t->set_title(rv1::TEACHER_TITLE_FIRST_GRADE);
    t->mutable_party_membership()->set_status(rv1::PARTY_MEMBERSHIP_STATUS_FULL);
    t->mutable_party_membership()->set_organization(organization);
    return Call(&Stub::CreateTeacher, stub(), req, out);
  }


  static RegistryServer* server_;
};
RegistryServer* Party::server_ = nullptr;

TEST_F(Party, JointCommitteeIsCreatedReadListedUpdatedDeletedAndRestored) {
  const std::string a = NewSchool(1), b = NewSchool(2, "500154");
  rv1::PartyOrganization town, joint, out;
  rv1::PartyOrganization t = Org("五和镇党委", rv1::PARTY_ORGANIZATION_KIND_COMMITTEE, {b});
  ASSERT_TRUE(Create(t, &town, "town-1").ok());
  rv1::PartyOrganization j = Org("江北新村实验小学—五和小学联合党委", rv1::PARTY_ORGANIZATION_KIND_JOINT_COMMITTEE,
                                 {a, b}, town.name());
  j.set_secretary_is_principal(true);
  auto* officer = j.add_officers();
  officer->set_role(rv1::PARTY_OFFICER_ROLE_LIAISON);
  *officer->mutable_person() = Named("李联络");
  grpc::Status st = Create(j, &joint, "joint-1");
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(joint.name(), "partyOrganizations/joint-1");
  EXPECT_EQ(joint.etag(), "1");
  EXPECT_EQ(joint.schools_size(), 2);
  EXPECT_EQ(joint.superior(), "partyOrganizations/town-1");
  EXPECT_TRUE(joint.audit().has_create_time());

  rv1::GetPartyOrganizationRequest get;
  get.set_name(joint.name());
  ASSERT_TRUE(Call(&Stub::GetPartyOrganization, stub(), get, &out, TeacherOf(Code(1))).ok());
  EXPECT_EQ(out.display_name(), j.display_name());
  EXPECT_EQ(out.officers(0).person().display_name(), "李联络");

  rv1::ListPartyOrganizationsRequest list;
  list.set_filter("school = " + a);
  rv1::ListPartyOrganizationsResponse page;
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  ASSERT_EQ(page.party_organizations_size(), 1);
  EXPECT_EQ(page.party_organizations(0).name(), joint.name());
  list.set_filter("superior = partyOrganizations/town-1 AND kind = PARTY_ORGANIZATION_KIND_JOINT_COMMITTEE");
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  EXPECT_EQ(page.total_size(), 1);
  list.set_filter("region_code : 5001");
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  EXPECT_EQ(page.total_size(), 2);  // both span the 开州 school
  list.set_page_size(1);
  list.set_order_by("kind desc");
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  ASSERT_EQ(page.party_organizations_size(), 1);
  EXPECT_EQ(page.party_organizations(0).name(), joint.name());  // JOINT_COMMITTEE sorts above COMMITTEE
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  ASSERT_EQ(page.party_organizations_size(), 1);
  EXPECT_EQ(page.party_organizations(0).name(), town.name());
  EXPECT_EQ(page.total_size(), 2);
  EXPECT_TRUE(page.next_page_token().empty());
  list.Clear();

  rv1::PartyOrganization patch;
  patch.set_name(joint.name());
  patch.set_scope("两校");
  patch.set_etag(joint.etag());
  ASSERT_TRUE(Update(patch, {"scope"}, &out).ok());
  EXPECT_EQ(out.scope(), "两校");
  EXPECT_EQ(out.etag(), "2");
  EXPECT_EQ(out.schools_size(), 2);  // untouched
  // A stale etag: ABORTED, nothing written.
  patch.set_scope("过期");
  st = Update(patch, {"scope"}, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(HasField(st, "etag"));

  ASSERT_TRUE(Delete(joint.name(), &out).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  list.set_filter("school = " + a);
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  EXPECT_EQ(page.party_organizations_size(), 0);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListPartyOrganizations, stub(), list, &page).ok());
  EXPECT_EQ(page.party_organizations_size(), 1);
  EXPECT_EQ(Delete(joint.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Undelete(joint.name(), &out).ok());
  EXPECT_FALSE(out.audit().has_delete_time());
  EXPECT_EQ(Undelete(joint.name(), &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  EXPECT_EQ(server_->EventTypes(joint.name()),
            (std::vector<std::string>{"party_organization:PartyOrganizationChanged",
                                      "party_organization:PartyOrganizationChanged",
                                      "party_organization:PartyOrganizationDeleted",
                                      "party_organization:PartyOrganizationChanged"}));
  rv1::ListChangesRequest feed_req;
  feed_req.set_filter("resource_type = RESOURCE_TYPE_PARTY_ORGANIZATION");
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), feed_req, &feed).ok());
  const rv1::Change* tomb = nullptr;
  for (const auto& c : feed.changes()) {
    if (c.name() == joint.name() && c.kind() == rv1::CHANGE_KIND_DELETED) tomb = &c;
  }
  ASSERT_NE(tomb, nullptr);
  EXPECT_FALSE(tomb->has_party_organization());
  EXPECT_EQ(tomb->natural_key().resource_id(), "joint-1");
  ASSERT_EQ(tomb->natural_key().school_codes_size(), 2);
  EXPECT_EQ(tomb->natural_key().school_codes(0), Code(1));
}

TEST_F(Party, BadInputIsRefusedWithTheFieldNamedAndNothingWritten) {
  const std::string a = NewSchool(11);
  const int64_t rows = Count("SELECT count(*) FROM party_organizations");
  const int64_t changes = Count("SELECT count(*) FROM changes");
  rv1::PartyOrganization out;
  struct Case {
    const char* rule;
    rv1::PartyOrganization org;
    grpc::StatusCode code;
    const char* field;
  };
  rv1::PartyOrganization no_role = Org("支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a});
  *no_role.add_officers()->mutable_person() = Named("张");
  // The rules' cases are party_rules_test's table; here one own-field row
  // each for a top-level and a nested path as the server names them, and
  // the facts only the database holds.
  const std::vector<Case> cases = {
      {"R-PARTY-ORG-1 name", Org("", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a}), grpc::StatusCode::INVALID_ARGUMENT,
       "party_organization.display_name"},
      {"R-PARTY-ORG-4 officer role", no_role, grpc::StatusCode::INVALID_ARGUMENT,
       "party_organization.officers[0].role"},
      {"R-PARTY-ORG-5 unknown school", Org("支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {"schools/2133799999"}),
       grpc::StatusCode::NOT_FOUND, "party_organization.schools[0]"},
      {"R-PARTY-ORG-5 unknown superior",
       Org("支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a}, "partyOrganizations/nobody"),
       grpc::StatusCode::NOT_FOUND, "party_organization.superior"},
  };
  for (const auto& c : cases) {
    grpc::Status st = Create(c.org, &out);
    EXPECT_EQ(st.error_code(), c.code) << c.rule << ": " << st.error_message();
    EXPECT_TRUE(HasField(st, c.field)) << c.rule;
  }
  rv1::ListPartyOrganizationsRequest list;
  list.set_page_size(-1);
  rv1::ListPartyOrganizationsResponse page;
  EXPECT_EQ(Call(&Stub::ListPartyOrganizations, stub(), list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  list.set_page_size(0);
  list.set_filter("colour = red");
  EXPECT_EQ(Call(&Stub::ListPartyOrganizations, stub(), list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Count("SELECT count(*) FROM party_organizations"), rows);
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), changes);
}

TEST_F(Party, ASuperiorThatWouldMakeACycleIsRefused) {
  const std::string a = NewSchool(21);
  rv1::PartyOrganization top, mid, low, out;
  ASSERT_TRUE(Create(Org("党委", rv1::PARTY_ORGANIZATION_KIND_COMMITTEE, {a}), &top, "cyc-top").ok());
  ASSERT_TRUE(Create(Org("总支", rv1::PARTY_ORGANIZATION_KIND_GENERAL_BRANCH, {a}, top.name()), &mid, "cyc-mid").ok());
  ASSERT_TRUE(Create(Org("支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a}, mid.name()), &low, "cyc-low").ok());
  rv1::PartyOrganization patch;
  patch.set_name(top.name());
  patch.set_superior(low.name());
  grpc::Status st = Update(patch, {"superior"}, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_TRUE(HasField(st, "party_organization.superior"));
  patch.set_superior(top.name());  // itself
  st = Update(patch, {"superior"}, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "party_organization.superior"));
  // A superior with live subordinates cannot be deleted.
  st = Delete(mid.name(), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Delete(low.name(), &out).ok());
  EXPECT_TRUE(Delete(mid.name(), &out).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM party_organizations WHERE organization_id = 'cyc-top' AND version = 1"), 1);
}

TEST_F(Party, EachRoleHitsItsWall) {
  const std::string xianju = NewSchool(31), kaizhou = NewSchool(32, "500154"), other = NewSchool(33);
  rv1::PartyOrganization branch, out;
  const auto o = Org("第一支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {xianju});
  EXPECT_EQ(Create(o, &out, "", TeacherOf(Code(31))).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(o, &out, "", SchoolAdmin(Code(31))).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(o, &out, "", kOtherCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Create(o, &branch, "wall-1", kCounty).ok());
  // A joint committee reaching into another county is the province's.
  EXPECT_EQ(Create(Org("联合党委", rv1::PARTY_ORGANIZATION_KIND_JOINT_COMMITTEE, {xianju, kaizhou}), &out, "", kCounty)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  rv1::PartyOrganization patch;
  patch.set_name(branch.name());
  *patch.mutable_secretary() = Named("新书记");
  ASSERT_TRUE(Update(patch, {"secretary"}, &out, SchoolAdmin(Code(31))).ok());
  EXPECT_EQ(out.secretary().display_name(), "新书记");
  EXPECT_EQ(Update(patch, {"secretary"}, &out, SchoolAdmin(Code(33))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  patch.set_display_name("改名");
  EXPECT_EQ(Update(patch, {"display_name"}, &out, SchoolAdmin(Code(31))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Update(patch, {"secretary"}, &out, TeacherOf(Code(31))).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Delete(branch.name(), &out, SchoolAdmin(Code(31))).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Delete(branch.name(), &out, kOtherCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  rv1::GetPartyOrganizationRequest get;
  get.set_name(branch.name());
  for (const Caller& c : {kProvince, kCounty, kOtherCounty, SchoolAdmin(Code(33)), TeacherOf(Code(31))}) {
    EXPECT_TRUE(Call(&Stub::GetPartyOrganization, stub(), get, &out, c).ok());
  }
  EXPECT_EQ(Count("SELECT count(*) FROM party_organizations WHERE organization_id = 'wall-1' AND version = 2"), 1);
  (void)other;
}

TEST_F(Party, RetriesWithTheSameRequestIdAnswerOnce) {
  const std::string a = NewSchool(41);
  rv1::PartyOrganization first, second;
  const auto o = Org("重试支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a});
  ASSERT_TRUE(Create(o, &first, "", kProvince, "1b4e28ba-2fa1-11d2-883f-0016d3cca427").ok());
  ASSERT_TRUE(Create(o, &second, "", kProvince, "1b4e28ba-2fa1-11d2-883f-0016d3cca427").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Count("SELECT count(*) FROM party_organizations WHERE display_name = '重试支部'"), 1);
}

TEST_F(Party, TeachersMembershipNamesARegisteredLiveOrganization) {
  const std::string a = NewSchool(51);
  rv1::PartyOrganization branch, out;
  rv1::Teacher t;
  grpc::Status st = CreateTeacher(a, "P51A1", "partyOrganizations/no-such", &t);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  EXPECT_TRUE(HasField(st, "teacher.party_membership.organization"));
  ASSERT_TRUE(Create(Org("成员支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a}), &branch, "member-1").ok());
  st = CreateTeacher(a, "P51A2", branch.name(), &t);
  ASSERT_TRUE(st.ok()) << st.error_message();
  // Its members keep it: no delete while a teacher names it.
  st = Delete(branch.name(), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  rv1::ListTeachersRequest list;
  list.set_filter("party_organization = \"" + branch.name() + "\"");
  rv1::ListTeachersResponse members;
  st = Call(&Stub::ListTeachers, stub(), list, &members);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(members.teachers_size(), 1);
}

TEST_F(Party, JointBuildingWithAVillageIsServedAndOneLivePerPair) {
  const std::string a = NewSchool(61), b = NewSchool(62);
  rv1::PartyOrganization branch, other, out;
  ASSERT_TRUE(Create(Org("共建支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {a}), &branch, "jb-branch").ok());
  ASSERT_TRUE(Create(Org("另一支部", rv1::PARTY_ORGANIZATION_KIND_BRANCH, {b}), &other, "jb-other").ok());
  rv1::CreatePartyJointBuildingRequest req;
  auto* j = req.mutable_party_joint_building();
  j->set_display_name("共建支部—阳冲村党支部结对共建");
  j->set_organization(branch.name());
  j->mutable_partner_unit()->set_display_name("阳冲村党支部");
  j->mutable_partner_unit()->set_kind(rv1::EXTERNAL_UNIT_KIND_VILLAGE);
  j->mutable_partner_unit()->set_region_code("331024");
  *j->add_liaisons() = Named("李联络");
  j->mutable_period()->mutable_start_date()->set_year(2025);
  j->mutable_period()->mutable_start_date()->set_month(9);
  j->mutable_period()->mutable_start_date()->set_day(1);
  req.set_party_joint_building_id("jb-village");
  rv1::PartyJointBuilding jb, jout;
  grpc::Status st = Call(&Stub::CreatePartyJointBuilding, stub(), req, &jb, kCounty);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(jb.name(), "partyJointBuildings/jb-village");
  // The same pair again: ALREADY_EXISTS.
  req.set_party_joint_building_id("jb-village-2");
  EXPECT_EQ(Call(&Stub::CreatePartyJointBuilding, stub(), req, &jout).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // Both partners, none, itself, an unknown organisation: the field named, nothing written.
  const int64_t rows = Count("SELECT count(*) FROM party_joint_buildings");
  rv1::CreatePartyJointBuildingRequest bad = req;
  bad.set_party_joint_building_id("");
  bad.mutable_party_joint_building()->set_partner_organization(branch.name());
  st = Call(&Stub::CreatePartyJointBuilding, stub(), bad, &jout);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "party_joint_building.partner_organization"));
  bad.mutable_party_joint_building()->clear_partner_organization();
  st = Call(&Stub::CreatePartyJointBuilding, stub(), bad, &jout);
  EXPECT_TRUE(HasField(st, "party_joint_building.partner_organization")) << "neither partner";
  bad.mutable_party_joint_building()->set_partner_organization("partyOrganizations/nobody");
  st = Call(&Stub::CreatePartyJointBuilding, stub(), bad, &jout);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(HasField(st, "party_joint_building.partner_organization"));
  bad.mutable_party_joint_building()->clear_period();
  st = Call(&Stub::CreatePartyJointBuilding, stub(), bad, &jout);
  EXPECT_TRUE(HasField(st, "party_joint_building.period.start_date"));
  EXPECT_EQ(Call(&Stub::CreatePartyJointBuilding, stub(), req, &jout, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreatePartyJointBuilding, stub(), req, &jout, SchoolAdmin(Code(61))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM party_joint_buildings"), rows);

  // Two organisations pair too; the list by organization matches either side.
  rv1::CreatePartyJointBuildingRequest orgs = req;
  orgs.set_party_joint_building_id("jb-orgs");
  orgs.mutable_party_joint_building()->set_display_name("两支部共建");
  orgs.mutable_party_joint_building()->set_partner_organization(other.name());
  ASSERT_TRUE(Call(&Stub::CreatePartyJointBuilding, stub(), orgs, &jout).ok());
  rv1::ListPartyJointBuildingsRequest list;
  list.set_filter("organization = " + other.name());
  rv1::ListPartyJointBuildingsResponse page;
  ASSERT_TRUE(Call(&Stub::ListPartyJointBuildings, stub(), list, &page, TeacherOf(Code(62))).ok());
  ASSERT_EQ(page.party_joint_buildings_size(), 1);
  EXPECT_EQ(page.party_joint_buildings(0).name(), "partyJointBuildings/jb-orgs");
  list.set_filter("partner_kind = EXTERNAL_UNIT_KIND_VILLAGE AND active_on = 2026-01-05");
  ASSERT_TRUE(Call(&Stub::ListPartyJointBuildings, stub(), list, &page).ok());
  EXPECT_EQ(page.total_size(), 1);

  // Update, delete (the pair is free again), and an undelete that would make two live relations of one pair.
  rv1::UpdatePartyJointBuildingRequest up;
  up.mutable_party_joint_building()->set_name(jb.name());
  *up.mutable_party_joint_building()->add_liaisons() = Named("王联络");
  up.mutable_update_mask()->add_paths("liaisons");
  ASSERT_TRUE(Call(&Stub::UpdatePartyJointBuilding, stub(), up, &jout).ok());
  EXPECT_EQ(jout.liaisons(0).display_name(), "王联络");
  rv1::DeletePartyJointBuildingRequest del;
  del.set_name(jb.name());
  ASSERT_TRUE(Call(&Stub::DeletePartyJointBuilding, stub(), del, &jout).ok());
  EXPECT_TRUE(jout.audit().has_delete_time());
  req.set_party_joint_building_id("jb-village-3");  // the pair is free again
  ASSERT_TRUE(Call(&Stub::CreatePartyJointBuilding, stub(), req, &jout).ok());
  rv1::UndeletePartyJointBuildingRequest undel;
  undel.set_name(jb.name());
  EXPECT_EQ(Call(&Stub::UndeletePartyJointBuilding, stub(), undel, &jout).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(server_->EventTypes(jb.name()),
            (std::vector<std::string>{"party_joint_building:PartyJointBuildingChanged",
                                      "party_joint_building:PartyJointBuildingChanged",
                                      "party_joint_building:PartyJointBuildingDeleted"}));
  (void)out;
}

// A 仙居 primary studio: a registered host, an external mentor, two member
// secretaries, an assistant; the 2026–2028 cycle.
rv1::SecretaryStudio Studio(const std::string& name, const std::string& host_school) {
  rv1::SecretaryStudio s;
  s.set_display_name(name);
  s.set_region_code("331024");
  s.set_stage(cv1::SCHOOL_STAGE_PRIMARY);
  s.set_host_school(host_school);
  auto add = [&](rv1::StudioRole role, const std::string& teacher, const std::string& display) {
    auto* m = s.add_members();
    m->set_role(role);
    m->mutable_person()->set_teacher(teacher);
    m->mutable_person()->set_display_name(display);
  };
  add(rv1::STUDIO_ROLE_HOST, "teachers/st-host", "张红");
  add(rv1::STUDIO_ROLE_MENTOR, "", "市委党校王教授");
  add(rv1::STUDIO_ROLE_MEMBER_SECRETARY, "teachers/st-m1", "李书记");
  add(rv1::STUDIO_ROLE_MEMBER_SECRETARY, "", "赵书记");
  add(rv1::STUDIO_ROLE_ASSISTANT, "", "陈助理");
  auto* c = s.mutable_cycle();
  c->mutable_start_date()->set_year(2026);
  c->mutable_start_date()->set_month(9);
  c->mutable_start_date()->set_day(1);
  c->mutable_end_date()->set_year(2028);
  c->mutable_end_date()->set_month(8);
  c->mutable_end_date()->set_day(31);
  return s;
}

grpc::Status CreateStudio(Stub* stub, const rv1::SecretaryStudio& s, const std::string& id, rv1::SecretaryStudio* out,
                          const Caller& caller = kProvince, const std::string& request_id = "") {
  rv1::CreateSecretaryStudioRequest req;
  *req.mutable_secretary_studio() = s;
  req.set_secretary_studio_id(id);
  req.set_request_id(request_id);
  return Call(&Stub::CreateSecretaryStudio, stub, req, out, caller);
}

TEST_F(Party, SecretaryStudioIsCreatedReadListedUpdatedDeletedAndRestored) {
  const std::string a = NewSchool(71);
  rv1::SecretaryStudio studio, other, out;
  grpc::Status st = CreateStudio(stub(), Studio("张红书记工作室", a), "st-zhang", &studio, kCounty);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(studio.name(), "secretaryStudios/st-zhang");
  EXPECT_EQ(studio.etag(), "1");
  EXPECT_EQ(studio.members_size(), 5);
  EXPECT_TRUE(studio.audit().has_create_time());
  rv1::SecretaryStudio kinder = Studio("幼儿园书记工作室", "");
  kinder.set_stage(cv1::SCHOOL_STAGE_KINDERGARTEN);
  kinder.mutable_cycle()->mutable_start_date()->set_year(2024);
  kinder.mutable_cycle()->mutable_end_date()->set_year(2026);
  kinder.mutable_members(0)->mutable_person()->set_teacher("teachers/st-host2");
  kinder.mutable_members(2)->mutable_person()->set_teacher("teachers/st-m2");
  ASSERT_TRUE(CreateStudio(stub(), kinder, "st-kinder", &other).ok());

  rv1::GetSecretaryStudioRequest get;
  get.set_name(studio.name());
  ASSERT_TRUE(Call(&Stub::GetSecretaryStudio, stub(), get, &out, TeacherOf(Code(71))).ok());
  EXPECT_EQ(out.members(1).person().display_name(), "市委党校王教授");
  get.set_name("secretaryStudios/nobody");
  EXPECT_EQ(Call(&Stub::GetSecretaryStudio, stub(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("studios/st-zhang");
  st = Call(&Stub::GetSecretaryStudio, stub(), get, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "name"));

  rv1::ListSecretaryStudiosRequest list;
  rv1::ListSecretaryStudiosResponse page;
  list.set_filter("member = teachers/st-m1 AND stage = SCHOOL_STAGE_PRIMARY");
  ASSERT_TRUE(Call(&Stub::ListSecretaryStudios, stub(), list, &page, SchoolAdmin(Code(71))).ok());
  ASSERT_EQ(page.secretary_studios_size(), 1);
  EXPECT_EQ(page.secretary_studios(0).name(), studio.name());
  list.set_filter("active_on = 2027-03-01");
  ASSERT_TRUE(Call(&Stub::ListSecretaryStudios, stub(), list, &page).ok());
  EXPECT_EQ(page.total_size(), 1) << "the kindergarten studio's cycle has ended";
  list.set_filter("region_code : 3310");
  list.set_page_size(1);
  list.set_order_by("display_name desc");
  ASSERT_TRUE(Call(&Stub::ListSecretaryStudios, stub(), list, &page).ok());
  EXPECT_EQ(page.total_size(), 2);
  ASSERT_EQ(page.secretary_studios_size(), 1);
  const std::string first = page.secretary_studios(0).name();
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListSecretaryStudios, stub(), list, &page).ok());
  ASSERT_EQ(page.secretary_studios_size(), 1);
  EXPECT_NE(page.secretary_studios(0).name(), first);
  EXPECT_TRUE(page.next_page_token().empty());
  list.Clear();
  list.set_filter("member = 张红");
  EXPECT_EQ(Call(&Stub::ListSecretaryStudios, stub(), list, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  list.set_filter("host = x");
  EXPECT_EQ(Call(&Stub::ListSecretaryStudios, stub(), list, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Update the members with the current etag; a stale etag is ABORTED.
  rv1::UpdateSecretaryStudioRequest up;
  *up.mutable_secretary_studio() = Studio("", "");
  up.mutable_secretary_studio()->set_name(studio.name());
  up.mutable_secretary_studio()->set_etag(studio.etag());
  up.mutable_secretary_studio()->mutable_members()->DeleteSubrange(3, 2);
  up.mutable_update_mask()->add_paths("members");
  ASSERT_TRUE(Call(&Stub::UpdateSecretaryStudio, stub(), up, &out, kCounty).ok());
  EXPECT_EQ(out.members_size(), 3);
  EXPECT_EQ(out.display_name(), "张红书记工作室");  // untouched
  EXPECT_EQ(out.etag(), "2");
  st = Call(&Stub::UpdateSecretaryStudio, stub(), up, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(HasField(st, "etag"));
  up.mutable_secretary_studio()->clear_etag();
  up.mutable_update_mask()->set_paths(0, "etag");
  EXPECT_EQ(Call(&Stub::UpdateSecretaryStudio, stub(), up, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  rv1::DeleteSecretaryStudioRequest del;
  del.set_name(studio.name());
  ASSERT_TRUE(Call(&Stub::DeleteSecretaryStudio, stub(), del, &out, kCounty).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  list.set_filter("member = teachers/st-m1");
  ASSERT_TRUE(Call(&Stub::ListSecretaryStudios, stub(), list, &page).ok());
  EXPECT_EQ(page.secretary_studios_size(), 0);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListSecretaryStudios, stub(), list, &page).ok());
  EXPECT_EQ(page.secretary_studios_size(), 1);
  EXPECT_EQ(Call(&Stub::DeleteSecretaryStudio, stub(), del, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  up.mutable_update_mask()->set_paths(0, "display_name");
  up.mutable_secretary_studio()->set_display_name("改名");
  EXPECT_EQ(Call(&Stub::UpdateSecretaryStudio, stub(), up, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  rv1::UndeleteSecretaryStudioRequest undel;
  undel.set_name(studio.name());
  ASSERT_TRUE(Call(&Stub::UndeleteSecretaryStudio, stub(), undel, &out).ok());
  EXPECT_FALSE(out.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::UndeleteSecretaryStudio, stub(), undel, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  EXPECT_EQ(server_->EventTypes(studio.name()),
            (std::vector<std::string>{"secretary_studio:SecretaryStudioChanged",
                                      "secretary_studio:SecretaryStudioChanged",
                                      "secretary_studio:SecretaryStudioDeleted",
                                      "secretary_studio:SecretaryStudioChanged"}));
  rv1::ListChangesRequest feed_req;
  feed_req.set_filter("resource_type = RESOURCE_TYPE_SECRETARY_STUDIO");
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), feed_req, &feed).ok());
  const rv1::Change* tomb = nullptr;
  for (const auto& c : feed.changes()) {
    if (c.name() == studio.name() && c.kind() == rv1::CHANGE_KIND_DELETED) tomb = &c;
  }
  ASSERT_NE(tomb, nullptr);
  EXPECT_FALSE(tomb->has_secretary_studio());
  EXPECT_EQ(tomb->natural_key().resource_id(), "st-zhang");
  EXPECT_EQ(tomb->natural_key().region_code(), "331024");
}

TEST_F(Party, SecretaryStudioBadInputAndForeignCallersAreRefusedWithNothingWritten) {
  const std::string a = NewSchool(81);
  const int64_t rows = Count("SELECT count(*) FROM secretary_studios");
  const int64_t changes = Count("SELECT count(*) FROM changes");
  rv1::SecretaryStudio out;
  struct Case {
    const char* rule;
    std::function<void(rv1::SecretaryStudio&)> change;
    Caller caller;
    grpc::StatusCode code;
    const char* field;  // "" for none
  };
  // The rules' cases are party_rules_test's StudioRules and StudioAccess
  // tables; here a top-level and a nested path as the server names them,
  // the host school only the database knows, and a caller refused.
  const std::vector<Case> cases = {
      {"R-STUDIO-1 name", [](auto& s) { s.clear_display_name(); }, kProvince, grpc::StatusCode::INVALID_ARGUMENT,
       "secretary_studio.display_name"},
      {"R-STUDIO-2 person twice",
       [](auto& s) { s.mutable_members(2)->mutable_person()->set_teacher("teachers/st-host"); }, kProvince,
       grpc::StatusCode::INVALID_ARGUMENT, "secretary_studio.members[2].person"},
      {"R-STUDIO-4 unknown host school", [](auto& s) { s.set_host_school("schools/2133799998"); }, kProvince,
       grpc::StatusCode::NOT_FOUND, "secretary_studio.host_school"},
      {"access: another county", nullptr, kOtherCounty, grpc::StatusCode::PERMISSION_DENIED, ""},
  };
  for (const auto& c : cases) {
    rv1::SecretaryStudio s = Studio("工作室", a);
    if (c.change) c.change(s);
    grpc::Status st = CreateStudio(stub(), s, "", &out, c.caller);
    EXPECT_EQ(st.error_code(), c.code) << c.rule << ": " << st.error_message();
    if (*c.field) {
      EXPECT_TRUE(HasField(st, c.field)) << c.rule;
    }
  }
  rv1::SecretaryStudio bad_region = Studio("工作室", a);
  bad_region.set_region_code("500154");  // a 仙居 bureau cannot create one for 开州
  EXPECT_EQ(CreateStudio(stub(), bad_region, "", &out, kCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM secretary_studios"), rows);
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), changes);

  // A retry with the same request_id answers once; the id is then taken.
  rv1::SecretaryStudio first, again;
  ASSERT_TRUE(CreateStudio(stub(), Studio("重试工作室", a), "st-retry", &first, kCounty, "req-st-1").ok());
  ASSERT_TRUE(CreateStudio(stub(), Studio("重试工作室", a), "st-retry", &again, kCounty, "req-st-1").ok());
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(Count("SELECT count(*) FROM secretary_studios WHERE studio_id = 'st-retry'"), 1);
  grpc::Status st = CreateStudio(stub(), Studio("重试工作室", a), "st-retry", &again);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(HasField(st, "secretary_studio_id"));
  // The 仙居 bureau cannot move its studio to 开州, nor the 开州 one touch it.
  rv1::UpdateSecretaryStudioRequest up;
  up.mutable_secretary_studio()->set_name(first.name());
  up.mutable_secretary_studio()->set_region_code("500154");
  up.mutable_update_mask()->add_paths("region_code");
  EXPECT_EQ(Call(&Stub::UpdateSecretaryStudio, stub(), up, &out, kCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  rv1::DeleteSecretaryStudioRequest del;
  del.set_name(first.name());
  EXPECT_EQ(Call(&Stub::DeleteSecretaryStudio, stub(), del, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM secretary_studios WHERE studio_id = 'st-retry' AND version = 1 AND "
                  "region_code = '331024' AND deleted_at IS NULL"),
            1);
}

}  // namespace
}  // namespace gongtong::registry
