// RegistryService schools and change feed, in-process on the common runner
// against real PostgreSQL and Redis: validation, access per role, etags,
// idempotency, soft delete, paging, cache correctness and the change feed.
#include <gtest/gtest.h>

#include <thread>

#include "common/auth/authenticator.h"
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
using testing::Import;
using testing::ImportRun;
using testing::kProvince;
using testing::RegistryServer;
using testing::Token;


// Fresh school codes per test (sequence part), in Zhejiang (33).
std::string Code(const char* category, int n) {
  static int base = static_cast<int>(std::time(nullptr) % 900000);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%s33%06d", category, (base + n) % 1000000);
  return buf;
}

rv1::School NewSchool(const std::string& code, const std::string& region = "331024", const char* type = "211") {
  rv1::School s;
  s.set_school_code(code);
  s.set_display_name("仙居县测试小学" + code.substr(6));
  s.set_region_code(region);
  s.set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
  s.set_school_type_code(type);
  return s;
}


class Registry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RegistryServer("reg"); }
  static void TearDownTestSuite() { delete server_; }
  Stub* stub() { return server_->stub(); }
  int64_t Changes() { return server_->Count("SELECT count(*) FROM changes"); }

  rv1::School Create(const rv1::School& s, const Caller& c = kProvince) {
    rv1::CreateSchoolRequest req;
    *req.mutable_school() = s;
    rv1::School out;
    grpc::Status st = Call(&Stub::CreateSchool, stub(), req, &out, c);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  static RegistryServer* server_;
};
RegistryServer* Registry::server_ = nullptr;

TEST_F(Registry, CreateThenGetReturnsTheSchoolWithDerivedFields) {
  rv1::School created = Create(NewSchool(Code("31", 1), "331024", "312"));
  EXPECT_EQ(created.name(), "schools/" + created.school_code());
  EXPECT_EQ(created.etag(), "1");
  ASSERT_EQ(created.stages_size(), 2);  // nine-year: primary + junior middle
  EXPECT_TRUE(created.audit().has_create_time());
  EXPECT_EQ(created.audit().creator().subject(), "test-user");
  rv1::GetSchoolRequest get;
  get.set_name(created.name());
  rv1::School got;
  ASSERT_TRUE(Call(&Stub::GetSchool, stub(), get, &got).ok());
  EXPECT_EQ(got.display_name(), created.display_name());
  EXPECT_EQ(got.etag(), "1");
}

struct BadCreate {
  std::string name;
  std::function<void(rv1::School&)> change;
  grpc::StatusCode code;
  std::string field;
};

class RegistryBadCreate : public Registry, public ::testing::WithParamInterface<BadCreate> {};

TEST_P(RegistryBadCreate, IsRefusedNamingTheFieldAndWritesNothing) {
  const int64_t before = Changes();
  rv1::School s = NewSchool(Code("21", 100));
  GetParam().change(s);
  rv1::CreateSchoolRequest req;
  *req.mutable_school() = s;
  rv1::School out;
  grpc::Status st = Call(&Stub::CreateSchool, stub(), req, &out);
  EXPECT_EQ(st.error_code(), GetParam().code) << st.error_message();
  EXPECT_TRUE(HasField(st, GetParam().field)) << st.error_message();
  EXPECT_EQ(Changes(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, RegistryBadCreate,
    ::testing::Values(
        BadCreate{"code_not_10_digits", [](rv1::School& s) { s.set_school_code("213300001"); },
                  grpc::StatusCode::INVALID_ARGUMENT, "school.school_code"},
        BadCreate{"unknown_category", [](rv1::School& s) { s.set_school_code("9933000001"); },
                  grpc::StatusCode::INVALID_ARGUMENT, "school.school_code"},
        BadCreate{"code_contradicts_type", [](rv1::School& s) { s.set_school_type_code("342"); },
                  grpc::StatusCode::INVALID_ARGUMENT, "school.school_code"},
        BadCreate{"province_contradicts_region", [](rv1::School& s) { s.set_region_code("520627"); },
                  grpc::StatusCode::INVALID_ARGUMENT, "school.school_code"},
        BadCreate{"bad_urban_rural", [](rv1::School& s) { s.clear_urban_rural_category(); },
                  grpc::StatusCode::INVALID_ARGUMENT, "school.urban_rural_category"}),
    [](const auto& info) { return info.param.name; });

TEST_F(Registry, ACodeIsNeverReusedEvenAfterDeletion) {
  rv1::School s = Create(NewSchool(Code("21", 2)));
  rv1::DeleteSchoolRequest del;
  del.set_name(s.name());
  rv1::School out;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del, &out).ok());
  rv1::CreateSchoolRequest again;
  *again.mutable_school() = NewSchool(s.school_code());
  EXPECT_EQ(Call(&Stub::CreateSchool, stub(), again, &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(Registry, CreateWithARequestIdIsIdempotent) {
  rv1::CreateSchoolRequest req;
  *req.mutable_school() = NewSchool(Code("21", 3));
  req.set_request_id("4b1f0c5e-0001");
  rv1::School first, second;
  ASSERT_TRUE(Call(&Stub::CreateSchool, stub(), req, &first).ok());
  const int64_t after_first = Changes();
  ASSERT_TRUE(Call(&Stub::CreateSchool, stub(), req, &second).ok());  // the retry
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Changes(), after_first);
  req.mutable_school()->set_display_name("另一个请求");
  grpc::Status reused = Call(&Stub::CreateSchool, stub(), req, &second);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(reused, "request_id"));
}

TEST_F(Registry, UpdateChecksEtagAndMaskAndRenamesKeepTheCode) {
  rv1::School s = Create(NewSchool(Code("21", 4)));
  rv1::GetSchoolRequest get;
  get.set_name(s.name());
  rv1::School cached;
  ASSERT_TRUE(Call(&Stub::GetSchool, stub(), get, &cached).ok());  // now in the cache

  rv1::UpdateSchoolRequest up;
  *up.mutable_school() = s;
  up.mutable_school()->set_display_name("仙居县实验小学");
  up.mutable_update_mask()->add_paths("display_name");
  rv1::School updated;
  ASSERT_TRUE(Call(&Stub::UpdateSchool, stub(), up, &updated).ok());
  EXPECT_EQ(updated.school_code(), s.school_code());
  EXPECT_EQ(updated.etag(), "2");
  ASSERT_EQ(updated.former_names_size(), 1);
  EXPECT_EQ(updated.former_names(0), s.display_name());
  rv1::School read;
  ASSERT_TRUE(Call(&Stub::GetSchool, stub(), get, &read).ok());
  EXPECT_EQ(read.display_name(), "仙居县实验小学");  // not the stale cached copy

  // The same etag again is stale now.
  EXPECT_EQ(Call(&Stub::UpdateSchool, stub(), up, &updated).error_code(), grpc::StatusCode::ABORTED);
  up.mutable_school()->set_etag("");
  up.mutable_update_mask()->add_paths("colour");
  grpc::Status unknown = Call(&Stub::UpdateSchool, stub(), up, &updated);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("school_code");
  EXPECT_EQ(Call(&Stub::UpdateSchool, stub(), up, &updated).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(server_->Count("SELECT version FROM schools WHERE school_code = '" + s.school_code() + "'"), 2);
}

TEST_F(Registry, EachRoleHitsItsWall) {
  rv1::School s = Create(NewSchool(Code("21", 5)));
  const Caller county{auth::Role::kCountyBureau, "3310", ""};
  const Caller other_county{auth::Role::kCountyBureau, "3301", ""};
  const Caller admin{auth::Role::kSchoolAdmin, "", s.school_code()};
  const Caller other_admin{auth::Role::kSchoolAdmin, "", Code("21", 6)};
  const Caller teacher{auth::Role::kTeacher, "", s.school_code()};
  rv1::School out;

  rv1::GetSchoolRequest get;
  get.set_name(s.name());
  EXPECT_TRUE(Call(&Stub::GetSchool, stub(), get, &out, county).ok());
  EXPECT_EQ(Call(&Stub::GetSchool, stub(), get, &out, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&Stub::GetSchool, stub(), get, &out, teacher).ok());

  rv1::CreateSchoolRequest create;
  *create.mutable_school() = NewSchool(Code("21", 7));
  EXPECT_EQ(Call(&Stub::CreateSchool, stub(), create, &out, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreateSchool, stub(), create, &out, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreateSchool, stub(), create, &out, teacher).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&Stub::CreateSchool, stub(), create, &out, county).ok());

  rv1::UpdateSchoolRequest rename;
  *rename.mutable_school() = s;
  rename.mutable_school()->set_etag("");
  rename.mutable_school()->set_display_name("改名");
  rename.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(Call(&Stub::UpdateSchool, stub(), rename, &out, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::UpdateSchoolRequest contacts;
  *contacts.mutable_school() = s;
  contacts.mutable_school()->set_etag("");
  contacts.mutable_school()->add_contacts()->set_role(rv1::SCHOOL_CONTACT_ROLE_PRINCIPAL);
  contacts.mutable_update_mask()->add_paths("contacts");
  EXPECT_TRUE(Call(&Stub::UpdateSchool, stub(), contacts, &out, admin).ok());
  EXPECT_EQ(Call(&Stub::UpdateSchool, stub(), contacts, &out, other_admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::UpdateSchoolRequest move;
  *move.mutable_school() = s;
  move.mutable_school()->set_etag("");
  move.mutable_school()->set_region_code("331023");
  move.mutable_update_mask()->add_paths("region_code");
  EXPECT_EQ(Call(&Stub::UpdateSchool, stub(), move, &out, county).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  rv1::ListChangesRequest feed;
  rv1::ListChangesResponse changes;
  EXPECT_EQ(Call(&Stub::ListChanges, stub(), feed, &changes, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::ListChanges, stub(), feed, &changes, teacher).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), feed, &changes, other_county).ok());
  for (const auto& c : changes.changes()) EXPECT_EQ(c.natural_key().region_code().substr(0, 4), "3301");
}

TEST_F(Registry, ListsPageThroughEverythingOnceAndFilter) {
  const std::string region = "331081";  // a region used only by this test
  for (int i = 0; i < 25; ++i) Create(NewSchool(Code("21", 200 + i), region));
  rv1::ListSchoolsRequest req;
  req.set_filter("region_code:\"" + region + "\"");
  req.set_page_size(10);
  std::set<std::string> seen;
  int pages = 0;
  rv1::ListSchoolsResponse resp;
  do {
    resp.Clear();
    ASSERT_TRUE(Call(&Stub::ListSchools, stub(), req, &resp).ok());
    EXPECT_EQ(resp.total_size(), 25);
    for (const auto& s : resp.schools()) EXPECT_TRUE(seen.insert(s.school_code()).second);
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!resp.next_page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 25u);

  rv1::ListSchoolsRequest by_name;
  by_name.set_filter("region_code:\"" + region + "\" AND display_name:\"测试小学\"");
  ASSERT_TRUE(Call(&Stub::ListSchools, stub(), by_name, &resp).ok());
  EXPECT_EQ(resp.total_size(), 25);

  rv1::ListSchoolsRequest bad;
  bad.set_page_size(-1);
  grpc::Status st = Call(&Stub::ListSchools, stub(), bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "page_size"));
  bad.set_page_size(0);
  bad.set_filter("colour = \"red\"");
  st = Call(&Stub::ListSchools, stub(), bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "filter"));
}

TEST_F(Registry, TheChangeFeedSyncsIncrementallyWithTombstones) {
  rv1::ListChangesRequest head;
  head.set_start_at_head(true);
  rv1::ListChangesResponse resp;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), head, &resp).ok());
  const std::string token = resp.next_page_token();

  rv1::School s = Create(NewSchool(Code("21", 8)));
  rv1::DeleteSchoolRequest del;
  del.set_name(s.name());
  rv1::School out;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del, &out).ok());
  EXPECT_EQ(Call(&Stub::DeleteSchool, stub(), del, &out).error_code(), grpc::StatusCode::NOT_FOUND);

  rv1::ListChangesRequest next;
  next.set_page_token(token);
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), next, &resp).ok());
  ASSERT_EQ(resp.changes_size(), 2);
  EXPECT_EQ(resp.changes(0).kind(), rv1::CHANGE_KIND_CREATED);
  EXPECT_EQ(resp.changes(0).school().school_code(), s.school_code());
  EXPECT_EQ(resp.changes(1).kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_FALSE(resp.changes(1).has_school());                      // a tombstone…
  EXPECT_EQ(resp.changes(1).natural_key().school_code(), s.school_code());  // …with natural keys
  EXPECT_LT(resp.changes(0).sequence(), resp.changes(1).sequence());
  EXPECT_TRUE(resp.caught_up());

  next.set_page_token(resp.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), next, &resp).ok());
  EXPECT_EQ(resp.changes_size(), 0);  // nothing new

  // The same changes went out as events.
  EXPECT_GE(server_->Count("SELECT count(*) FROM outbox WHERE aggregate_id = '" + s.name() + "'"), 2);

  // Deleted schools are hidden from lists unless asked for.
  rv1::ListSchoolsRequest list;
  list.set_filter("display_name:\"" + s.display_name() + "\"");
  rv1::ListSchoolsResponse schools;
  ASSERT_TRUE(Call(&Stub::ListSchools, stub(), list, &schools).ok());
  EXPECT_EQ(schools.schools_size(), 0);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListSchools, stub(), list, &schools).ok());
  ASSERT_EQ(schools.schools_size(), 1);
  EXPECT_TRUE(schools.schools(0).audit().has_delete_time());

  rv1::UndeleteSchoolRequest undelete;
  undelete.set_name(s.name());
  ASSERT_TRUE(Call(&Stub::UndeleteSchool, stub(), undelete, &out).ok());
  EXPECT_FALSE(out.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::UndeleteSchool, stub(), undelete, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// Every unary method is built now (the last were the secretary studios): the
// last-built one authenticates first, then is served.
TEST_F(Registry, TheLastBuiltMethodAuthenticatesThenIsServed) {
  rv1::GetSecretaryStudioRequest req;
  req.set_name("secretaryStudios/1");
  rv1::SecretaryStudio out;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub()->GetSecretaryStudio(&anonymous, req, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(&Stub::GetSecretaryStudio, stub(), req, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}


// ---- bulk import (ImportRows) ----

rv1::ImportHeader CsvHeader(std::vector<std::string> columns) {
  rv1::ImportHeader h;
  h.set_entity(rv1::IMPORT_ENTITY_SCHOOL);
  h.set_format(rv1::IMPORT_FORMAT_CSV);
  for (auto& c : columns) h.add_columns(c);
  h.set_source_name("仙居县学校名册.csv");
  return h;
}

const std::vector<std::string> kAllColumns = {"school_code", "display_name", "region_code", "urban_rural_category",
                                              "school_type_code"};

TEST_F(Registry, ImportCreatesEveryRowThenARerunIsANoOp) {
  std::vector<std::string> rows;
  for (int i = 0; i < 2000; ++i) {
    rows.push_back(Code("21", 10000 + i) + ",\"导入小学 " + std::to_string(i) + "\",331082,220,211");
  }
  const int64_t before = Changes();
  ImportRun first = Import(stub(), CsvHeader(kAllColumns), rows);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.results.size(), rows.size());
  EXPECT_EQ(first.summary.created(), 2000);
  EXPECT_EQ(first.summary.rejected(), 0);
  EXPECT_EQ(Changes(), before + 2000);
  EXPECT_EQ(first.results.front().row_number(), 2);  // the client's line numbers
  ImportRun again = Import(stub(), CsvHeader(kAllColumns), rows);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.summary.unchanged(), 2000);
  EXPECT_EQ(Changes(), before + 2000);  // nothing written the second time
}

TEST_F(Registry, ARejectedRowChangesNothingAndTheOthersApply) {
  const std::string good1 = Code("21", 13001), good2 = Code("21", 13002);
  std::vector<std::string> rows = {
      good1 + ",好小学一,331024,220,211",
      "2133,坏小学,331024,220,211",                 // code too short
      Code("21", 13003) + ",坏小学,520627,220,211",  // province 33 vs region 52
      Code("21", 13004) + ",\"未闭合,331024,220,211",  // broken CSV
      good2 + ",好小学二,331024,村庄,211",           // bad urban-rural value
  };
  ImportRun run = Import(stub(), CsvHeader(kAllColumns), rows);
  ASSERT_TRUE(run.status.ok()) << run.status.error_message();
  ASSERT_EQ(run.results.size(), 5u);
  EXPECT_EQ(run.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(run.results[1].outcome(), rv1::ROW_OUTCOME_REJECTED);
  EXPECT_EQ(run.results[1].field(), "school_code");
  EXPECT_EQ(run.results[1].code(), google::rpc::INVALID_ARGUMENT);
  EXPECT_EQ(run.results[2].field(), "school_code");
  EXPECT_EQ(run.results[3].field(), "text");
  EXPECT_EQ(run.results[4].field(), "urban_rural_category");
  EXPECT_EQ(run.summary.created(), 1);
  EXPECT_EQ(run.summary.rejected(), 4);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM schools WHERE school_code IN ('" + good2 + "', '" +
                           Code("21", 13003) + "')"),
            0);
}

TEST_F(Registry, ImportUpdatesOnlyTheListedColumns) {
  rv1::School s = Create(NewSchool(Code("21", 14001)));
  rv1::GetSchoolRequest get;
  get.set_name(s.name());
  rv1::School before;
  ASSERT_TRUE(Call(&Stub::GetSchool, stub(), get, &before).ok());  // now cached (memory and Redis)
  ImportRun run = Import(stub(), CsvHeader({"school_code", "display_name"}), {s.school_code() + ",仙居县新名小学"});
  ASSERT_TRUE(run.status.ok()) << run.status.error_code() << " " << run.status.error_message();
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].outcome(), rv1::ROW_OUTCOME_UPDATED);
  // The importing replica reads the import at once (no event needed).
  rv1::School after;
  ASSERT_TRUE(Call(&Stub::GetSchool, stub(), get, &after).ok());
  EXPECT_EQ(after.display_name(), "仙居县新名小学");
  EXPECT_EQ(after.region_code(), s.region_code());  // not listed: kept
  ASSERT_EQ(after.former_names_size(), 1);
}

TEST_F(Registry, ImportJsonRowsAndDryRun) {
  const std::string code = Code("21", 15001);
  rv1::ImportHeader h;
  h.set_entity(rv1::IMPORT_ENTITY_SCHOOL);
  h.set_format(rv1::IMPORT_FORMAT_JSON);
  h.set_dry_run(true);
  const std::string row = "{\"schoolCode\":\"" + code +
                          "\",\"displayName\":\"试运行小学\",\"regionCode\":\"331024\",\"urbanRuralCategory\":"
                          "\"URBAN_RURAL_CATEGORY_VILLAGE\",\"schoolTypeCode\":\"211\"}";
  ImportRun dry = Import(stub(), h, {row, "{\"colour\":\"red\"}"});
  ASSERT_TRUE(dry.status.ok()) << dry.status.error_message();
  EXPECT_EQ(dry.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(dry.results[1].outcome(), rv1::ROW_OUTCOME_REJECTED);  // unknown JSON field
  EXPECT_TRUE(dry.summary.dry_run());
  EXPECT_EQ(server_->Count("SELECT count(*) FROM schools WHERE school_code = '" + code + "'"), 0);
  h.set_dry_run(false);
  ImportRun real = Import(stub(), h, {row});
  EXPECT_EQ(real.summary.created(), 1);
}

TEST_F(Registry, ImportStreamErrorsAndScope) {
  ImportRun unknown = Import(stub(), CsvHeader({"school_code", "colour"}), {});
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ImportRun teacher = Import(stub(), CsvHeader(kAllColumns), {}, Caller{auth::Role::kTeacher, "", Code("21", 1)});
  EXPECT_EQ(teacher.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Only classes, teachers and bell schedules are a school admin's to import.
  ImportRun school_admin = Import(stub(), CsvHeader(kAllColumns), {}, Caller{auth::Role::kSchoolAdmin, "", Code("21", 1)});
  EXPECT_EQ(school_admin.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A county bureau's row outside its region is a rejected row, not a stream error.
  ImportRun county = Import(stub(), CsvHeader(kAllColumns),
                            {Code("21", 16001) + ",县外小学,330102,111,211", Code("21", 16002) + ",县内小学,331024,220,211"},
                            Caller{auth::Role::kCountyBureau, "3310", ""});
  ASSERT_TRUE(county.status.ok());
  EXPECT_EQ(county.results[0].code(), google::rpc::PERMISSION_DENIED);
  EXPECT_EQ(county.results[1].outcome(), rv1::ROW_OUTCOME_CREATED);
}

}  // namespace
}  // namespace gongtong::registry
