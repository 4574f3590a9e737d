// RegistryService communities and pairings, in-process on the common runner
// against real PostgreSQL and Redis: validation (each bad input with its code,
// its field, and nothing written), access per role, etags, idempotency, soft
// delete with tombstones in the change feed, and DeleteSchool's community rule.
#include <gtest/gtest.h>

#include <thread>

#include "common/auth/authenticator.h"
#include "common/cache/read_through_cache.h"
#include "common/pg/migrations.h"
#include "common/server/service_host.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "registry/rpc/registry_service.h"
#include "registry_test_server.h"
#include "test_keys.h"

namespace gongtong::pg {
const std::vector<Migration>& RegistryMigrations();
}

namespace gongtong::registry {
namespace {

using namespace std::chrono_literals;
using gongtong::testing::LocalPostgres;
using gongtong::testing::LocalRedis;
using gongtong::testing::TestAuth;
using gongtong::testing::UniqueSchema;
using Stub = rv1::RegistryService::Stub;
using testing::Call;
using testing::Caller;
using testing::HasField;
using testing::kProvince;
using testing::RegistryServer;
using testing::Token;



google::type::Date D(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// Fresh primary-school codes per run (sequence part), in Zhejiang (33).
std::string Code(int n) {
  static int base = static_cast<int>(std::time(nullptr) % 900000);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", (base + n) % 1000000);
  return buf;
}

std::string SchoolRef(const std::string& code) { return "schools/" + code; }

rv1::Community NewCommunity(const std::string& core, const std::vector<std::string>& members,
                            rv1::CommunityType type = rv1::COMMUNITY_TYPE_CO_BUILT) {
  rv1::Community c;
  c.set_display_name("仙居县城乡教育共同体" + core.substr(6));
  c.set_type(type);
  c.set_core_school(SchoolRef(core));
  for (const auto& m : members) c.add_members()->set_school(SchoolRef(m));
  *c.mutable_period()->mutable_start_date() = D(2021, 9, 1);
  auto* leader = c.add_leading_group();
  leader->set_role(rv1::LEADING_GROUP_ROLE_LEADER);
  leader->mutable_person()->set_display_name("王校长");
  c.mutable_agreement()->mutable_document()->set_title("《互促共建协议》");
  return c;
}

gongtong::common::v1::Contact Contact(const char* name) {
  gongtong::common::v1::Contact c;
  c.mutable_person()->set_display_name(name);
  c.mutable_person()->set_position("分管校长");
  c.set_phone("0576-87771234");
  return c;
}

rv1::Pairing NewPairing(const std::string& core, const std::string& member) {
  rv1::Pairing p;
  p.set_core_school(SchoolRef(core));
  p.set_member_school(SchoolRef(member));
  for (auto code : SeedPairingSubjects()) p.add_subjects()->set_code(code);
  *p.mutable_core_contact() = Contact("李副校长");
  *p.mutable_member_contact() = Contact("张副校长");
  *p.mutable_period()->mutable_start_date() = D(2021, 9, 1);
  return p;
}

// One server for every suite of this file (the bad-input suites share the
// schools and communities they set up once).
RegistryServer* g_server = nullptr;
class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { g_server = new RegistryServer("regc"); }
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};
[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

class Communities : public ::testing::Test {
 protected:
  Stub* stub() { return g_server->stub(); }
  int64_t Changes() { return g_server->Count("SELECT count(*) FROM changes"); }

  static std::string School(int n, const std::string& region = "331024") {
    rv1::CreateSchoolRequest req;
    rv1::School& s = *req.mutable_school();
    s.set_school_code(Code(n));
    s.set_display_name("仙居县测试小学" + std::to_string(n));
    s.set_region_code(region);
    s.set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    s.set_school_type_code("211");
    rv1::School out;
    grpc::Status st = Call(&Stub::CreateSchool, g_server->stub(), req, &out);
    EXPECT_TRUE(st.ok() || st.error_code() == grpc::StatusCode::ALREADY_EXISTS) << st.error_message();
    return s.school_code();
  }

  rv1::Community Create(const rv1::Community& c, const std::string& id = "", const Caller& caller = kProvince) {
    rv1::CreateCommunityRequest req;
    *req.mutable_community() = c;
    req.set_community_id(id);
    rv1::Community out;
    grpc::Status st = Call(&Stub::CreateCommunity, stub(), req, &out, caller);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  rv1::Pairing Pair(const rv1::Community& c, const rv1::Pairing& p, const std::string& id = "") {
    rv1::CreatePairingRequest req;
    req.set_parent(c.name());
    *req.mutable_pairing() = p;
    req.set_pairing_id(id);
    rv1::Pairing out;
    grpc::Status st = Call(&Stub::CreatePairing, stub(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

};

TEST_F(Communities, CreateGetAndListACommunityAndItsPairings) {
  const std::string core = School(1), duiyang = School(2), shidu = School(3);
  rv1::Community c = Create(NewCommunity(core, {duiyang, shidu}), "xianju-1");
  EXPECT_EQ(c.name(), "communities/xianju-1");
  EXPECT_EQ(c.etag(), "1");
  EXPECT_EQ(c.region_code(), "331024");  // the core school's region by default
  ASSERT_EQ(c.members_size(), 2);
  EXPECT_EQ(c.members(0).join_date().year(), 2021);  // defaults to the start date
  EXPECT_FALSE(c.members(0).campus());
  EXPECT_TRUE(c.audit().has_create_time());

  rv1::GetCommunityRequest get;
  get.set_name(c.name());
  rv1::Community got;
  ASSERT_TRUE(Call(&Stub::GetCommunity, stub(), get, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), c.SerializeAsString());

  rv1::ListCommunitiesRequest list;
  list.set_filter("school = \"" + SchoolRef(shidu) + "\" AND type = COMMUNITY_TYPE_CO_BUILT AND active_on = 2024-03-01");
  rv1::ListCommunitiesResponse communities;
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities).ok());
  ASSERT_EQ(communities.communities_size(), 1);
  EXPECT_EQ(communities.communities(0).name(), c.name());
  EXPECT_EQ(communities.total_size(), 1);
  list.set_filter("active_on = 2021-08-31 AND school = \"" + SchoolRef(shidu) + "\"");
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities).ok());
  EXPECT_EQ(communities.communities_size(), 0);

  rv1::Pairing p1 = Pair(c, NewPairing(core, duiyang), "duiyang");
  rv1::Pairing p2 = Pair(c, NewPairing(core, shidu));  // generated id
  EXPECT_EQ(p1.name(), "communities/xianju-1/pairings/duiyang");
  EXPECT_EQ(p1.community(), c.name());
  EXPECT_EQ(p1.subjects_size(), 8);
  EXPECT_EQ(p2.name().rfind("communities/xianju-1/pairings/p-", 0), 0u) << p2.name();

  rv1::GetPairingRequest gp;
  gp.set_name(p1.name());
  rv1::Pairing gotp;
  ASSERT_TRUE(Call(&Stub::GetPairing, stub(), gp, &gotp).ok());
  EXPECT_EQ(gotp.member_contact().person().display_name(), "张副校长");

  rv1::ListPairingsRequest lp;
  lp.set_parent(c.name());
  lp.set_page_size(1);
  std::set<std::string> seen;
  rv1::ListPairingsResponse pairings;
  do {
    pairings.Clear();
    ASSERT_TRUE(Call(&Stub::ListPairings, stub(), lp, &pairings).ok());
    EXPECT_EQ(pairings.total_size(), 2);
    for (const auto& p : pairings.pairings()) EXPECT_TRUE(seen.insert(p.name()).second);
    lp.set_page_token(pairings.next_page_token());
  } while (!pairings.next_page_token().empty());
  EXPECT_EQ(seen, (std::set<std::string>{p1.name(), p2.name()}));

  rv1::ListPairingsRequest across;
  across.set_parent("communities/-");
  across.set_filter("school = \"" + SchoolRef(duiyang) + "\" AND subject = SUBJECT_CODE_HOMEROOM_WORK");
  ASSERT_TRUE(Call(&Stub::ListPairings, stub(), across, &pairings).ok());
  ASSERT_EQ(pairings.pairings_size(), 1);
  EXPECT_EQ(pairings.pairings(0).name(), p1.name());

  // A school may be a member of several (non-fused) communities.
  const std::string other_core = School(4);
  Create(NewCommunity(other_core, {duiyang}, rv1::COMMUNITY_TYPE_COLLABORATIVE));
  list.set_filter("school = \"" + SchoolRef(duiyang) + "\"");
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities).ok());
  EXPECT_EQ(communities.total_size(), 2);
}

// ---- bad input: the right code, the field named, nothing written ----

struct World {
  std::string core, m1, m2, deleted, missing, other_core, other_member;
  rv1::Community community, other;
};

struct BadCommunity {
  std::string name;
  std::function<void(const World&, rv1::CreateCommunityRequest&)> change;
  grpc::StatusCode code;
  std::string field;
};

struct BadPairing {
  std::string name;
  std::function<void(const World&, rv1::CreatePairingRequest&)> change;
  grpc::StatusCode code;
  std::string field;
};

class CommunitiesBad : public Communities {
 protected:
  // Two communities: A (core, m1, m2) with a pairing core–m1, and B
  // (other_core, other_member); a deleted school; a code never created.
  const World& TheWorld() {
    static World* w = nullptr;
    if (w) return *w;
    w = new World;
    w->core = School(100);
    w->m1 = School(101);
    w->m2 = School(102);
    w->deleted = School(103);
    w->missing = Code(109);
    w->other_core = School(104);
    w->other_member = School(105);
    rv1::DeleteSchoolRequest del;
    del.set_name(SchoolRef(w->deleted));
    rv1::School out;
    EXPECT_TRUE(Call(&Stub::DeleteSchool, stub(), del, &out).ok());
    w->community = Create(NewCommunity(w->core, {w->m1, w->m2}), "world-a");
    w->other = Create(NewCommunity(w->other_core, {w->other_member}), "world-b");
    Pair(w->community, NewPairing(w->core, w->m1), "m1");
    return *w;
  }
};

class CommunitiesBadCreate : public CommunitiesBad, public ::testing::WithParamInterface<BadCommunity> {};

TEST_P(CommunitiesBadCreate, IsRefusedNamingTheFieldAndWritesNothing) {
  const World& w = TheWorld();
  rv1::CreateCommunityRequest req;
  *req.mutable_community() = NewCommunity(w.core, {w.m1, w.m2});
  GetParam().change(w, req);
  const int64_t before = Changes();
  rv1::Community out;
  grpc::Status st = Call(&Stub::CreateCommunity, stub(), req, &out);
  EXPECT_EQ(st.error_code(), GetParam().code) << st.error_message();
  EXPECT_TRUE(HasField(st, GetParam().field)) << st.error_message();
  EXPECT_EQ(Changes(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CommunitiesBadCreate,
    ::testing::Values(
        BadCommunity{"member_is_core", [](const World& w, auto& r) { r.mutable_community()->mutable_members(1)->set_school(SchoolRef(w.core)); },
                     grpc::StatusCode::INVALID_ARGUMENT, "community.members[1].school"},
        BadCommunity{"duplicate_member", [](const World& w, auto& r) { r.mutable_community()->add_members()->set_school(SchoolRef(w.m1)); },
                     grpc::StatusCode::INVALID_ARGUMENT, "community.members[2].school"},
        BadCommunity{"start_after_end", [](const World&, auto& r) { *r.mutable_community()->mutable_period()->mutable_end_date() = D(2021, 1, 1); },
                     grpc::StatusCode::INVALID_ARGUMENT, "community.period.end_date"},
        BadCommunity{"no_type", [](const World&, auto& r) { r.mutable_community()->clear_type(); },
                     grpc::StatusCode::INVALID_ARGUMENT, "community.type"},
        BadCommunity{"no_members", [](const World&, auto& r) { r.mutable_community()->clear_members(); },
                     grpc::StatusCode::INVALID_ARGUMENT, "community.members"},
        BadCommunity{"bad_id", [](const World&, auto& r) { r.set_community_id("Xianju_1"); },
                     grpc::StatusCode::INVALID_ARGUMENT, "community_id"},
        BadCommunity{"core_does_not_exist", [](const World& w, auto& r) { r.mutable_community()->set_core_school(SchoolRef(w.missing)); },
                     grpc::StatusCode::FAILED_PRECONDITION, "community.core_school"},
        BadCommunity{"member_deleted", [](const World& w, auto& r) { r.mutable_community()->mutable_members(0)->set_school(SchoolRef(w.deleted)); },
                     grpc::StatusCode::FAILED_PRECONDITION, "community.members[0].school"},
        BadCommunity{"id_taken", [](const World&, auto& r) { r.set_community_id("world-a"); },
                     grpc::StatusCode::ALREADY_EXISTS, "community_id"}),
    [](const auto& info) { return info.param.name; });

class CommunitiesBadPairing : public CommunitiesBad, public ::testing::WithParamInterface<BadPairing> {};

TEST_P(CommunitiesBadPairing, IsRefusedNamingTheFieldAndWritesNothing) {
  const World& w = TheWorld();
  rv1::CreatePairingRequest req;
  req.set_parent(w.community.name());
  *req.mutable_pairing() = NewPairing(w.core, w.m2);
  GetParam().change(w, req);
  const int64_t before = Changes();
  rv1::Pairing out;
  grpc::Status st = Call(&Stub::CreatePairing, stub(), req, &out);
  EXPECT_EQ(st.error_code(), GetParam().code) << st.error_message();
  EXPECT_TRUE(HasField(st, GetParam().field)) << st.error_message();
  EXPECT_EQ(Changes(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CommunitiesBadPairing,
    ::testing::Values(
        BadPairing{"schools_of_different_communities", [](const World& w, auto& r) { r.mutable_pairing()->set_member_school(SchoolRef(w.other_member)); },
                   grpc::StatusCode::FAILED_PRECONDITION, "pairing.member_school"},
        BadPairing{"core_of_another_community", [](const World& w, auto& r) { r.mutable_pairing()->set_core_school(SchoolRef(w.other_core)); },
                   grpc::StatusCode::FAILED_PRECONDITION, "pairing.core_school"},
        BadPairing{"in_the_other_community", [](const World& w, auto& r) { r.set_parent(w.other.name()); },
                   grpc::StatusCode::FAILED_PRECONDITION, "pairing.core_school"},
        BadPairing{"member_is_core", [](const World& w, auto& r) { r.mutable_pairing()->set_member_school(SchoolRef(w.core)); },
                   grpc::StatusCode::INVALID_ARGUMENT, "pairing.member_school"},
        BadPairing{"no_core_contact", [](const World&, auto& r) { r.mutable_pairing()->clear_core_contact(); },
                   grpc::StatusCode::INVALID_ARGUMENT, "pairing.core_contact"},
        BadPairing{"no_member_contact", [](const World&, auto& r) { r.mutable_pairing()->clear_member_contact(); },
                   grpc::StatusCode::INVALID_ARGUMENT, "pairing.member_contact"},
        BadPairing{"no_subjects", [](const World&, auto& r) { r.mutable_pairing()->clear_subjects(); },
                   grpc::StatusCode::INVALID_ARGUMENT, "pairing.subjects"},
        BadPairing{"starts_before_the_community", [](const World&, auto& r) { *r.mutable_pairing()->mutable_period()->mutable_start_date() = D(2020, 9, 1); },
                   grpc::StatusCode::FAILED_PRECONDITION, "pairing.period.start_date"},
        BadPairing{"member_already_paired", [](const World& w, auto& r) { r.mutable_pairing()->set_member_school(SchoolRef(w.m1)); },
                   grpc::StatusCode::ALREADY_EXISTS, "pairing.member_school"},
        BadPairing{"id_taken", [](const World&, auto& r) { r.set_pairing_id("m1"); },
                   grpc::StatusCode::ALREADY_EXISTS, "pairing_id"},
        BadPairing{"parent_missing", [](const World&, auto& r) { r.set_parent("communities/no-such"); },
                   grpc::StatusCode::NOT_FOUND, "parent"}),
    [](const auto& info) { return info.param.name; });

TEST_F(CommunitiesBad, AFusedCommunityOwnsItsSchools) {
  const World& w = TheWorld();
  const std::string core = School(110), campus = School(111);
  Create(NewCommunity(core, {campus}, rv1::COMMUNITY_TYPE_FUSED), "fused-1");
  const int64_t before = Changes();
  rv1::CreateCommunityRequest req;
  *req.mutable_community() = NewCommunity(w.other_core, {campus}, rv1::COMMUNITY_TYPE_FUSED);
  rv1::Community out;
  grpc::Status st = Call(&Stub::CreateCommunity, stub(), req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_TRUE(HasField(st, "community.members[0].school")) << st.error_message();
  EXPECT_EQ(Changes(), before);
  // A co-built community may include the campus.
  req.mutable_community()->set_type(rv1::COMMUNITY_TYPE_CO_BUILT);
  EXPECT_TRUE(Call(&Stub::CreateCommunity, stub(), req, &out).ok());
}

// ---- roles ----

TEST_F(Communities, EachRoleHitsItsWall) {
  const std::string core = School(200), member = School(201), linhai = School(202, "331082");
  const std::string outsider = School(203);
  const Caller county{auth::Role::kCountyBureau, "331024", ""};
  const Caller city{auth::Role::kCountyBureau, "3310", ""};
  const Caller other_county{auth::Role::kCountyBureau, "3301", ""};
  const Caller admin{auth::Role::kSchoolAdmin, "", member};
  const Caller outsider_admin{auth::Role::kSchoolAdmin, "", outsider};
  const Caller teacher{auth::Role::kTeacher, "", outsider};
  const Caller township{auth::Role::kTownshipHead, "", ""};

  rv1::CreateCommunityRequest create;
  *create.mutable_community() = NewCommunity(core, {member});
  rv1::Community out;
  EXPECT_EQ(Call(&Stub::CreateCommunity, stub(), create, &out, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreateCommunity, stub(), create, &out, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreateCommunity, stub(), create, &out, teacher).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreateCommunity, stub(), create, &out, township).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::CreateCommunity, stub(), create, &out, county).ok());
  const rv1::Community local = out;

  // A community with a member in another county (临海): the core's county
  // reads it but may not write it; the city bureau covering both may.
  *create.mutable_community() = NewCommunity(core, {linhai});
  grpc::Status st = Call(&Stub::CreateCommunity, stub(), create, &out, county);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::CreateCommunity, stub(), create, &out, city).ok());
  const rv1::Community cross = out;

  rv1::GetCommunityRequest get;
  get.set_name(cross.name());
  EXPECT_TRUE(Call(&Stub::GetCommunity, stub(), get, &out, county).ok());
  EXPECT_TRUE(Call(&Stub::GetCommunity, stub(), get, &out, {auth::Role::kCountyBureau, "331082", ""}).ok());
  EXPECT_EQ(Call(&Stub::GetCommunity, stub(), get, &out, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&Stub::GetCommunity, stub(), get, &out, teacher).ok());
  EXPECT_EQ(Call(&Stub::GetCommunity, stub(), get, &out, township).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::GetCommunity, stub(), get, &out, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  get.set_name(local.name());
  EXPECT_TRUE(Call(&Stub::GetCommunity, stub(), get, &out, admin).ok());  // its own community
  EXPECT_EQ(Call(&Stub::GetCommunity, stub(), get, &out, outsider_admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  get.set_name("communities/does-not-exist");  // nothing leaks
  EXPECT_EQ(Call(&Stub::GetCommunity, stub(), get, &out, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::GetCommunity, stub(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);

  rv1::UpdateCommunityRequest rename;
  *rename.mutable_community() = cross;
  rename.mutable_community()->set_etag("");
  rename.mutable_community()->set_display_name("改名");
  rename.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(Call(&Stub::UpdateCommunity, stub(), rename, &out, county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::UpdateCommunity, stub(), rename, &out, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&Stub::UpdateCommunity, stub(), rename, &out, city).ok());

  rv1::CreatePairingRequest pair;
  pair.set_parent(local.name());
  *pair.mutable_pairing() = NewPairing(core, member);
  rv1::Pairing p;
  EXPECT_EQ(Call(&Stub::CreatePairing, stub(), pair, &p, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreatePairing, stub(), pair, &p, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::CreatePairing, stub(), pair, &p, county).ok());
  rv1::GetPairingRequest gp;
  gp.set_name(p.name());
  EXPECT_TRUE(Call(&Stub::GetPairing, stub(), gp, &p, admin).ok());
  EXPECT_EQ(Call(&Stub::GetPairing, stub(), gp, &p, outsider_admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Lists are limited silently.
  rv1::ListCommunitiesRequest list;
  list.set_filter("core_school = \"" + SchoolRef(core) + "\"");
  rv1::ListCommunitiesResponse communities;
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities, admin).ok());
  ASSERT_EQ(communities.communities_size(), 1);
  EXPECT_EQ(communities.communities(0).name(), local.name());
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities, {auth::Role::kCountyBureau, "331082", ""}).ok());
  ASSERT_EQ(communities.communities_size(), 1);
  EXPECT_EQ(communities.communities(0).name(), cross.name());
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities, other_county).ok());
  EXPECT_EQ(communities.communities_size(), 0);
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities, teacher).ok());
  EXPECT_EQ(communities.communities_size(), 2);
  EXPECT_EQ(Call(&Stub::ListCommunities, stub(), list, &communities, township).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::ListPairingsRequest lp;
  lp.set_parent("communities/-");
  lp.set_filter("core_school = \"" + SchoolRef(core) + "\"");
  rv1::ListPairingsResponse pairings;
  ASSERT_TRUE(Call(&Stub::ListPairings, stub(), lp, &pairings, outsider_admin).ok());
  EXPECT_EQ(pairings.pairings_size(), 0);
  ASSERT_TRUE(Call(&Stub::ListPairings, stub(), lp, &pairings, admin).ok());
  EXPECT_EQ(pairings.pairings_size(), 1);
}

// ---- etag, masks, idempotency ----

TEST_F(Communities, UpdatesCheckEtagMaskAndPairedMembers) {
  const std::string core = School(300), a = School(301), b = School(302);
  rv1::Community c = Create(NewCommunity(core, {a, b}));
  rv1::Pairing p = Pair(c, NewPairing(core, a));

  rv1::UpdateCommunityRequest up;
  *up.mutable_community() = c;
  up.mutable_community()->set_description("城乡教育共同体，十个统一");
  up.mutable_update_mask()->add_paths("description");
  rv1::Community updated;
  ASSERT_TRUE(Call(&Stub::UpdateCommunity, stub(), up, &updated).ok());
  EXPECT_EQ(updated.etag(), "2");
  const int64_t before = Changes();
  grpc::Status st = Call(&Stub::UpdateCommunity, stub(), up, &updated);  // the old etag again
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(HasField(st, "etag"));

  up.mutable_community()->set_etag("");
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("colour");
  st = Call(&Stub::UpdateCommunity, stub(), up, &updated);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "update_mask.paths[0]")) << st.error_message();

  // Removing the paired member is refused; removing the other one is fine.
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("members");
  up.mutable_community()->mutable_members()->RemoveLast();  // keeps a
  up.mutable_community()->mutable_members(0)->set_school(SchoolRef(b));  // drops a, keeps b
  st = Call(&Stub::UpdateCommunity, stub(), up, &updated);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "community.members"));
  // The core cannot be a member on update either.
  up.mutable_community()->mutable_members(0)->set_school(SchoolRef(core));
  st = Call(&Stub::UpdateCommunity, stub(), up, &updated);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "community.members[0].school"));
  EXPECT_EQ(Changes(), before);
  up.mutable_community()->mutable_members(0)->set_school(SchoolRef(a));
  ASSERT_TRUE(Call(&Stub::UpdateCommunity, stub(), up, &updated).ok());
  EXPECT_EQ(updated.members_size(), 1);

  // Pairings: core and member are immutable; a stale etag is ABORTED.
  rv1::UpdatePairingRequest pu;
  *pu.mutable_pairing() = p;
  pu.mutable_update_mask()->add_paths("member_school");
  rv1::Pairing pout;
  EXPECT_EQ(Call(&Stub::UpdatePairing, stub(), pu, &pout).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  pu.mutable_update_mask()->Clear();
  pu.mutable_update_mask()->add_paths("subjects");
  pu.mutable_pairing()->clear_subjects();
  pu.mutable_pairing()->add_subjects()->set_code(gongtong::common::v1::SUBJECT_CODE_CHINESE);
  ASSERT_TRUE(Call(&Stub::UpdatePairing, stub(), pu, &pout).ok());
  EXPECT_EQ(pout.subjects_size(), 1);
  EXPECT_EQ(pout.etag(), "2");
  EXPECT_EQ(Call(&Stub::UpdatePairing, stub(), pu, &pout).error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(Communities, ARequestIdRetryReturnsTheFirstAnswer) {
  const std::string core = School(400), a = School(401);
  rv1::CreateCommunityRequest req;
  *req.mutable_community() = NewCommunity(core, {a});
  req.set_request_id("7c9e6679-0001");
  rv1::Community first, second;
  ASSERT_TRUE(Call(&Stub::CreateCommunity, stub(), req, &first).ok());  // generated id
  const int64_t after_first = Changes();
  ASSERT_TRUE(Call(&Stub::CreateCommunity, stub(), req, &second).ok());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Changes(), after_first);
  req.mutable_community()->set_display_name("另一个请求");
  grpc::Status reused = Call(&Stub::CreateCommunity, stub(), req, &second);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(reused, "request_id"));

  rv1::CreatePairingRequest pair;
  pair.set_parent(first.name());
  *pair.mutable_pairing() = NewPairing(core, a);
  pair.set_request_id("7c9e6679-0002");
  rv1::Pairing p1, p2;
  ASSERT_TRUE(Call(&Stub::CreatePairing, stub(), pair, &p1).ok());
  ASSERT_TRUE(Call(&Stub::CreatePairing, stub(), pair, &p2).ok());  // not ALREADY_EXISTS: the first answer
  EXPECT_EQ(p1.SerializeAsString(), p2.SerializeAsString());
  EXPECT_EQ(Changes(), after_first + 1);
}

// ---- a school's communities, through the cache ----

TEST_F(Communities, SchoolsShowTheirCommunitiesThroughTheCache) {
  const std::string core = School(700), a = School(701), b = School(702);
  // What GetSchool serves from Redis (nullopt: not cached).
  redis::ClientPool redis(LocalRedis::Shared().options(), 1);
  cache::ReadThroughCache peek(&redis, std::chrono::seconds(300));
  auto cached = [&](const std::string& code) -> std::optional<rv1::School> {
    auto v = peek.Peek({SchoolCacheKey(g_server->pool().schema(), code)});
    if (v.empty() || !v[0]) return std::nullopt;
    rv1::School s;
    EXPECT_TRUE(s.ParseFromString(*v[0]));
    return s;
  };
  auto get = [&](const std::string& code) {
    rv1::GetSchoolRequest req;
    req.set_name(SchoolRef(code));
    rv1::School out;
    EXPECT_TRUE(Call(&Stub::GetSchool, stub(), req, &out).ok());
    return out;
  };
  for (const auto& code : {core, a, b}) {
    EXPECT_EQ(get(code).communities_size(), 0);
    ASSERT_TRUE(cached(code).has_value()) << code;  // GetSchool filled the cache
  }

  // A fused community: its schools list it, its members are fused into the core.
  rv1::Community c = Create(NewCommunity(core, {a}, rv1::COMMUNITY_TYPE_FUSED), "fused-700");
  EXPECT_FALSE(cached(core).has_value());  // invalidated by the write
  EXPECT_FALSE(cached(a).has_value());
  ASSERT_TRUE(cached(b).has_value());  // not named: kept
  rv1::School got = get(a);
  ASSERT_EQ(got.communities_size(), 1);
  EXPECT_EQ(got.communities(0), c.name());
  EXPECT_EQ(got.fused_into(), SchoolRef(core));
  EXPECT_EQ(cached(a)->fused_into(), SchoolRef(core));  // cached again, fresh
  got = get(core);
  EXPECT_EQ(got.communities_size(), 1);
  EXPECT_EQ(got.fused_into(), "");  // the core is fused into nobody
  EXPECT_EQ(g_server->EventTypes(SchoolRef(a)).back(), "school:SchoolChanged");

  // Members change: b joins, a leaves; both schools' entries drop.
  EXPECT_EQ(get(b).communities_size(), 0);
  rv1::UpdateCommunityRequest update;
  *update.mutable_community() = c;
  update.mutable_community()->clear_members();
  update.mutable_community()->add_members()->set_school(SchoolRef(b));
  update.mutable_community()->clear_etag();
  update.mutable_update_mask()->add_paths("members");
  ASSERT_TRUE(Call(&Stub::UpdateCommunity, stub(), update, &c).ok());
  EXPECT_FALSE(cached(a).has_value());
  EXPECT_FALSE(cached(b).has_value());
  EXPECT_EQ(get(a).communities_size(), 0);
  EXPECT_EQ(get(a).fused_into(), "");
  EXPECT_EQ(get(b).fused_into(), SchoolRef(core));

  // Deleted, the community leaves every school; undeleted, it comes back.
  EXPECT_EQ(get(core).communities_size(), 1);
  rv1::DeleteCommunityRequest del;
  del.set_name(c.name());
  ASSERT_TRUE(Call(&Stub::DeleteCommunity, stub(), del, &c).ok());
  EXPECT_FALSE(cached(core).has_value());
  EXPECT_EQ(get(core).communities_size(), 0);
  EXPECT_EQ(get(b).fused_into(), "");
  rv1::UndeleteCommunityRequest undel;
  undel.set_name(c.name());
  ASSERT_TRUE(Call(&Stub::UndeleteCommunity, stub(), undel, &c).ok());
  EXPECT_EQ(get(b).fused_into(), SchoolRef(core));
  EXPECT_EQ(get(core).communities(0), c.name());
}

// ---- soft delete, tombstones, DeleteSchool ----

TEST_F(Communities, SoftDeleteLeavesTombstonesInTheChangeFeed) {
  const std::string core = School(500), a = School(501);
  // Community writes also change their schools' communities / fused_into
  // (school changes of their own): this feed leaves schools out.
  const std::string not_schools = "resource_type != RESOURCE_TYPE_SCHOOL";
  rv1::ListChangesRequest head;
  head.set_start_at_head(true);
  head.set_filter(not_schools);
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), head, &feed).ok());
  const std::string token = feed.next_page_token();

  rv1::Community c = Create(NewCommunity(core, {a}), "to-delete");
  rv1::Pairing p = Pair(c, NewPairing(core, a), "a");

  // The school cannot go while it is the core of a live community.
  rv1::DeleteSchoolRequest del_school;
  del_school.set_name(SchoolRef(core));
  rv1::School school;
  grpc::Status st = Call(&Stub::DeleteSchool, stub(), del_school, &school);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_TRUE(HasField(st, "name"));

  rv1::DeleteCommunityRequest del;
  del.set_name(c.name());
  rv1::Community out;
  st = Call(&Stub::DeleteCommunity, stub(), del, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // it has a live pairing
  rv1::DeletePairingRequest delp;
  delp.set_name(p.name());
  delp.set_etag("99");
  rv1::Pairing pout;
  EXPECT_EQ(Call(&Stub::DeletePairing, stub(), delp, &pout).error_code(), grpc::StatusCode::ABORTED);
  delp.set_etag(p.etag());
  ASSERT_TRUE(Call(&Stub::DeletePairing, stub(), delp, &pout).ok());
  EXPECT_TRUE(pout.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::DeletePairing, stub(), delp, &pout).error_code(), grpc::StatusCode::ABORTED);
  delp.clear_etag();
  EXPECT_EQ(Call(&Stub::DeletePairing, stub(), delp, &pout).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Call(&Stub::DeleteCommunity, stub(), del, &out).ok());
  EXPECT_TRUE(out.audit().has_delete_time());

  // A pairing cannot come back while its community is deleted.
  rv1::UndeletePairingRequest undel_p;
  undel_p.set_name(p.name());
  EXPECT_EQ(Call(&Stub::UndeletePairing, stub(), undel_p, &pout).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Hidden from lists unless asked for; Get still answers.
  rv1::ListCommunitiesRequest list;
  list.set_filter("core_school = \"" + SchoolRef(core) + "\"");
  rv1::ListCommunitiesResponse communities;
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities).ok());
  EXPECT_EQ(communities.communities_size(), 0);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListCommunities, stub(), list, &communities).ok());
  ASSERT_EQ(communities.communities_size(), 1);
  EXPECT_TRUE(communities.communities(0).audit().has_delete_time());

  rv1::ListChangesRequest next;
  next.set_page_token(token);
  next.set_filter("resource_type = RESOURCE_TYPE_PAIRING");
  ASSERT_FALSE(Call(&Stub::ListChanges, stub(), next, &feed).ok());  // another filter than the token's
  next.set_filter(not_schools);
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), next, &feed).ok());
  ASSERT_EQ(feed.changes_size(), 4);
  EXPECT_EQ(feed.changes(0).kind(), rv1::CHANGE_KIND_CREATED);
  EXPECT_EQ(feed.changes(0).resource_type(), rv1::RESOURCE_TYPE_COMMUNITY);
  EXPECT_EQ(feed.changes(0).community().name(), c.name());
  EXPECT_EQ(feed.changes(1).resource_type(), rv1::RESOURCE_TYPE_PAIRING);
  EXPECT_EQ(feed.changes(1).pairing().name(), p.name());
  const auto& pairing_tombstone = feed.changes(2);
  EXPECT_EQ(pairing_tombstone.kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_FALSE(pairing_tombstone.has_pairing());
  EXPECT_EQ(pairing_tombstone.natural_key().resource_id(), "a");
  EXPECT_EQ(pairing_tombstone.natural_key().core_school_code(), core);
  EXPECT_EQ(pairing_tombstone.natural_key().member_school_code(), a);
  const auto& community_tombstone = feed.changes(3);
  EXPECT_EQ(community_tombstone.kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_EQ(community_tombstone.resource_type(), rv1::RESOURCE_TYPE_COMMUNITY);
  EXPECT_FALSE(community_tombstone.has_community());
  EXPECT_EQ(community_tombstone.natural_key().resource_id(), "to-delete");
  EXPECT_EQ(community_tombstone.natural_key().region_code(), "331024");
  EXPECT_EQ(community_tombstone.natural_key().core_school_code(), core);
  EXPECT_EQ(community_tombstone.version(), 2);
  // The same changes went out as events.
  EXPECT_EQ(g_server->Count("SELECT count(*) FROM outbox WHERE aggregate_id = '" + c.name() + "'"), 2);
  EXPECT_EQ(g_server->Count("SELECT count(*) FROM outbox WHERE aggregate_id = '" + p.name() + "'"), 2);
  // A county bureau of the region sees them; another does not.
  rv1::ListChangesRequest county_feed;
  county_feed.set_filter("school_code = \"" + core + "\"");
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), county_feed, &feed, {auth::Role::kCountyBureau, "331024", ""}).ok());
  // The school's creation, the four above, and the two changes of its
  // communities (joined on creation, left on deletion).
  ASSERT_EQ(feed.changes_size(), 7);
  EXPECT_EQ(feed.changes(2).resource_type(), rv1::RESOURCE_TYPE_SCHOOL);
  EXPECT_EQ(feed.changes(2).school().communities_size(), 1);
  EXPECT_EQ(feed.changes(6).resource_type(), rv1::RESOURCE_TYPE_SCHOOL);
  EXPECT_EQ(feed.changes(6).school().communities_size(), 0);
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), county_feed, &feed, {auth::Role::kCountyBureau, "3301", ""}).ok());
  EXPECT_EQ(feed.changes_size(), 0);

  // Now the school may go; and the community cannot come back without it.
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del_school, &school).ok());
  rv1::UndeleteCommunityRequest undel;
  undel.set_name(c.name());
  st = Call(&Stub::UndeleteCommunity, stub(), undel, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "community.core_school"));
  rv1::UndeleteSchoolRequest undel_school;
  undel_school.set_name(SchoolRef(core));
  ASSERT_TRUE(Call(&Stub::UndeleteSchool, stub(), undel_school, &school).ok());
  ASSERT_TRUE(Call(&Stub::UndeleteCommunity, stub(), undel, &out).ok());
  EXPECT_FALSE(out.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::UndeleteCommunity, stub(), undel, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Call(&Stub::UndeletePairing, stub(), undel_p, &pout).ok());
  EXPECT_FALSE(pout.audit().has_delete_time());
}

TEST_F(Communities, BadListRequestsNameTheField) {
  rv1::ListCommunitiesRequest bad;
  bad.set_page_size(-1);
  rv1::ListCommunitiesResponse resp;
  grpc::Status st = Call(&Stub::ListCommunities, stub(), bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "page_size"));
  for (const char* filter : {"colour = red", "type = FUSED", "active_on = 2024-13-01", "school = \"2133000001\""}) {
    bad.set_page_size(0);
    bad.set_filter(filter);
    st = Call(&Stub::ListCommunities, stub(), bad, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << filter;
    EXPECT_TRUE(HasField(st, "filter")) << filter;
  }
  rv1::ListPairingsRequest lp;
  lp.set_parent("communities");
  rv1::ListPairingsResponse pairings;
  st = Call(&Stub::ListPairings, stub(), lp, &pairings);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "parent"));
  lp.set_parent("communities/-");
  lp.set_order_by("subject");
  st = Call(&Stub::ListPairings, stub(), lp, &pairings);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "order_by"));
}

}  // namespace
}  // namespace gongtong::registry
