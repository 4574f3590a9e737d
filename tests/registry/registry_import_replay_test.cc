// RegistryService.ImportRows with ImportHeader.request_id, in-process against
// real PostgreSQL and Redis: a re-sent stream replays the first run's
// results (CREATED, not UNCHANGED) and writes nothing; an import cut short
// resumes; the id with other rows is refused; another caller's id is its own;
// dry runs store nothing; bell schedules' held-back rows replay alike. And the
// batch path of classes and teachers: rows of one key in one batch, a
// rejected row among created ones, concurrent unary writes.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "common/auth/jwt_minter.h"
#include "registry/rpc/registry_service.h"
#include "registry_test_server.h"
#include "test_keys.h"

namespace gongtong::registry {
namespace {

using Stub = rv1::RegistryService::Stub;
using testing::Call;
using testing::Import;
using testing::ImportRun;
using testing::RegistryServer;

std::string Code(int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", 800000 + n);
  return buf;
}

const std::vector<std::string> kClassColumns = {"school_code", "grade", "class_number", "pupil_count"};

rv1::ImportHeader Header(rv1::ImportEntity entity, const std::vector<std::string>& columns,
                         const std::string& request_id, bool dry_run = false) {
  rv1::ImportHeader h;
  h.set_entity(entity);
  h.set_format(rv1::IMPORT_FORMAT_CSV);
  for (const auto& c : columns) h.add_columns(c);
  h.set_request_id(request_id);
  h.set_dry_run(dry_run);
  h.set_source_name("仙居县班级.csv");
  return h;
}

// Streams like testing::Import as province admin `subject`; after
// `cut_after` batch results (when ≥ 0) the client cancels the call, as a
// client that crashed mid-import.
ImportRun Stream(Stub* stub, const rv1::ImportHeader& header, const std::vector<std::string>& rows,
                 const std::string& subject, int batch_size, int cut_after = -1) {
  auto token = gongtong::testing::TestAuth::Shared().Request(auth::Role::kProvinceAdmin);
  token.subject = subject;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  ctx.AddMetadata("authorization", "Bearer " + *auth::MintToken(token));
  return testing::StreamImport(&ctx, stub, header, rows, batch_size, cut_after);
}

// The results as comparable text: row, outcome, name, code, field, reason.
std::vector<std::string> Lines(const std::vector<rv1::RowResult>& results) {
  std::vector<std::string> out;
  for (const auto& r : results) {
    out.push_back(std::to_string(r.row_number()) + " " + rv1::RowOutcome_Name(r.outcome()) + " " + r.name() + " " +
                  std::to_string(r.code()) + " " + r.field() + " " + r.reason());
  }
  return out;
}

std::string Summary(const rv1::ImportSummary& s) {
  return std::to_string(s.total_rows()) + "/" + std::to_string(s.created()) + "/" + std::to_string(s.updated()) +
         "/" + std::to_string(s.unchanged()) + "/" + std::to_string(s.rejected()) + "/" + (s.dry_run() ? "dry" : "");
}

class ImportReplay : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new RegistryServer("regimportreplay");
    std::vector<std::string> schools;
    for (int n = 1; n <= 7; ++n) schools.push_back(Code(n) + ",重放测试小学" + std::to_string(n) + ",331024,220,211");
    ImportRun made = Import(server_->stub(),
                            Header(rv1::IMPORT_ENTITY_SCHOOL,
                                   {"school_code", "display_name", "region_code", "urban_rural_category",
                                    "school_type_code"},
                                   ""),
                            schools);
    ASSERT_EQ(made.summary.created(), 7) << made.status.error_message();
  }
  static void TearDownTestSuite() { delete server_; }

  Stub* stub() { return server_->stub(); }
  // What the import writes: classes, teachers, feed rows, outbox events.
  std::string Written() {
    return std::to_string(server_->Count("SELECT count(*) FROM school_classes")) + "/" +
           std::to_string(server_->Count("SELECT count(*) FROM teachers")) + "/" +
           std::to_string(server_->Count("SELECT count(*) FROM changes")) + "/" +
           std::to_string(server_->Count("SELECT count(*) FROM outbox"));
  }
  int64_t Stored(const std::string& request_id) {
    return server_->Count("SELECT count(*) FROM import_batches WHERE request_id = '" + request_id + "'");
  }

  static RegistryServer* server_;
};
RegistryServer* ImportReplay::server_ = nullptr;

TEST_F(ImportReplay, ReSentStreamReplaysTheFirstRunsResultsAndWritesNothing) {
  const std::string a = Code(1), id = "5f1e0c52-8a61-4c7e-9d1a-0b6f2a7c3e01";
  const std::vector<std::string> rows = {a + ",1,1,40", a + ",1,2,41", a + ",1,3,-5", Code(99) + ",1,1,40",
                                         a + ",2,1,38"};
  const auto header = Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, id);
  ImportRun first = Import(stub(), header, rows, testing::kProvince, /*batch_size=*/2);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.summary.created(), 3);
  ASSERT_EQ(first.summary.rejected(), 2);
  EXPECT_EQ(Stored(id), 3);  // three batches
  const std::string written = Written();

  ImportRun again = Import(stub(), header, rows, testing::kProvince, /*batch_size=*/2);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(Lines(again.results), Lines(first.results));  // CREATED again, not UNCHANGED; same reasons
  EXPECT_EQ(Summary(again.summary), Summary(first.summary));
  EXPECT_EQ(Written(), written);

  // Without the id the same file is a re-run: UNCHANGED.
  ImportRun plain = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, ""), rows,
                           testing::kProvince, 2);
  EXPECT_EQ(plain.summary.unchanged(), 3);
  EXPECT_EQ(Written(), written);
}

TEST_F(ImportReplay, AnImportCutShortResumesWithTheSameRequestId) {
  const std::string b = Code(2), id = "0d6a7c1e-2b3f-4e5a-8c9d-1f2e3a4b5c6d";
  std::vector<std::string> rows;
  for (int n = 1; n <= 7; ++n) rows.push_back(b + ",3," + std::to_string(n) + ",40");
  const auto header = Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, id);
  const int64_t classes = server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '" + b + "'");
  const int64_t changes = server_->Count("SELECT count(*) FROM changes");
  ImportRun cut = Stream(stub(), header, rows, "test-user", /*batch_size=*/3, /*cut_after=*/2);
  EXPECT_EQ(cut.status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_EQ(cut.results.size(), 6u);
  EXPECT_EQ(Stored(id), 2);

  ImportRun resumed = Stream(stub(), header, rows, "test-user", 3);
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  ASSERT_EQ(resumed.results.size(), 7u);
  for (const auto& r : resumed.results) EXPECT_EQ(r.outcome(), rv1::ROW_OUTCOME_CREATED) << r.row_number();
  EXPECT_EQ(Lines({resumed.results.begin(), resumed.results.begin() + 6}), Lines(cut.results));
  EXPECT_EQ(resumed.summary.created(), 7);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '" + b + "'"), classes + 7);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM changes"), changes + 7);  // one feed row per class, none twice
  EXPECT_EQ(Stored(id), 3);
}

TEST_F(ImportReplay, TheIdWithOtherRowsIsRefusedAndAnotherCallersIdIsItsOwn) {
  const std::string c = Code(3), id = "9b2c4d6e-8f0a-4b1c-a3d5-e7f901234567";
  const auto header = Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, id);
  ImportRun first = Import(stub(), header, {c + ",4,1,40", c + ",4,2,40"});
  ASSERT_EQ(first.summary.created(), 2) << first.status.error_message();
  const std::string written = Written();

  ImportRun other_rows = Import(stub(), header, {c + ",4,1,40", c + ",4,2,45"});
  EXPECT_EQ(other_rows.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(testing::HasField(other_rows.status, "header.request_id")) << other_rows.status.error_message();
  EXPECT_NE(other_rows.status.error_details().find("请求编号"), std::string::npos);
  EXPECT_TRUE(other_rows.results.empty());
  EXPECT_EQ(Written(), written);
  // Another entity with the same id and rows: also other rows.
  EXPECT_EQ(Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, kClassColumns, id), {c + ",4,1,40"}).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Another caller's stream with the same id is applied as its own: the
  // classes exist, so UNCHANGED; then its own replay.
  ImportRun other_caller = Stream(stub(), header, {c + ",4,1,40", c + ",4,2,45"}, "other-user", 500);
  ASSERT_TRUE(other_caller.status.ok()) << other_caller.status.error_message();
  EXPECT_EQ(other_caller.results[0].outcome(), rv1::ROW_OUTCOME_UNCHANGED);
  EXPECT_EQ(other_caller.results[1].outcome(), rv1::ROW_OUTCOME_UPDATED);
  ImportRun other_again = Stream(stub(), header, {c + ",4,1,40", c + ",4,2,45"}, "other-user", 500);
  EXPECT_EQ(Lines(other_again.results), Lines(other_caller.results));

  // A request_id over 128 characters is refused up front.
  ImportRun long_id =
      Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, std::string(129, 'x')), {c + ",4,1,40"});
  EXPECT_EQ(long_id.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(testing::HasField(long_id.status, "header.request_id"));
}

TEST_F(ImportReplay, ADryRunStoresNothing) {
  const std::string d = Code(4), id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  const std::vector<std::string> rows = {d + ",5,1,40"};
  ImportRun dry = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, id, /*dry_run=*/true), rows);
  EXPECT_EQ(dry.summary.created(), 1);
  EXPECT_EQ(Stored(id), 0);
  const int64_t classes = server_->Count("SELECT count(*) FROM school_classes");
  ImportRun real = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, id), rows);
  EXPECT_EQ(real.summary.created(), 1);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_classes"), classes + 1);
}

TEST_F(ImportReplay, BellSchedulesHeldBackAcrossBatchesReplayTheSame) {
  const std::string e = Code(5), id = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
  const std::vector<std::string> columns = {"school_code", "bell_schedule_id", "display_name", "season",
                                            "effective_start", "period_number", "start_time", "end_time", "days"};
  // Two schedules of three periods in batches of two: each spans batches, the
  // last one comes from Finish().
  std::vector<std::string> rows;
  for (const std::string& school : {e, Code(6)}) {  // one all-year schedule each
    for (int p = 1; p <= 3; ++p) {
      rows.push_back(school + ",main,作息时间,ALL_YEAR,2026-09-01," + std::to_string(p) + ",0" +
                     std::to_string(7 + p) + ":00,0" + std::to_string(7 + p) + ":40,1-5");
    }
  }
  const auto header = Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, columns, id);
  ImportRun first = Import(stub(), header, rows, testing::kProvince, 2);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.summary.created(), 6) << (first.results.empty() ? "" : first.results[0].reason());
  const std::string written = Written();
  const int64_t changes = server_->Count("SELECT count(*) FROM changes");
  ImportRun again = Import(stub(), header, rows, testing::kProvince, 2);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(Lines(again.results), Lines(first.results));
  EXPECT_EQ(Summary(again.summary), Summary(first.summary));
  EXPECT_EQ(server_->Count("SELECT count(*) FROM changes"), changes);
  EXPECT_EQ(Written(), written);
}

// ---- the batch path of classes and teachers ---------------------------------

TEST_F(ImportReplay, RowsOfOneKeyInOneBatchSeeEachOther) {
  const std::string f = Code(6);
  const int64_t changes = server_->Count("SELECT count(*) FROM changes");
  ImportRun run = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, ""),
                         {f + ",1,1,40", f + ",1,2,40", f + ",1,1,42", f + ",1,1,42", f + ",1,3,abc", f + ",1,4,40"});
  ASSERT_TRUE(run.status.ok()) << run.status.error_message();
  ASSERT_EQ(run.results.size(), 6u);
  EXPECT_EQ(run.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(run.results[1].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(run.results[2].outcome(), rv1::ROW_OUTCOME_UPDATED);
  EXPECT_EQ(run.results[2].name(), run.results[0].name());
  EXPECT_EQ(run.results[3].outcome(), rv1::ROW_OUTCOME_UNCHANGED);
  EXPECT_EQ(run.results[4].outcome(), rv1::ROW_OUTCOME_REJECTED);
  EXPECT_EQ(run.results[4].field(), "pupil_count");
  EXPECT_EQ(run.results[5].outcome(), rv1::ROW_OUTCOME_CREATED);
  // Feed rows: three creates and one update, in row order.
  EXPECT_EQ(server_->Count("SELECT count(*) FROM changes"), changes + 4);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '" + f +
                           "' AND class_number = 1 AND deleted_at IS NULL"),
            1);

  // Teachers: a new one twice in a batch is created, then unchanged; a
  // teacher row without a school is refused among created ones.
  ImportRun teachers = Import(stub(),
                              Header(rv1::IMPORT_ENTITY_TEACHER,
                                     {"staff_number", "school_code", "display_name", "subjects", "title"}, ""),
                              {"R900001," + f + ",王老师,CHINESE,TEACHER_TITLE_FIRST_GRADE",
                               "R900001," + f + ",王老师,CHINESE,TEACHER_TITLE_FIRST_GRADE",
                               "R900002,,李老师,CHINESE,TEACHER_TITLE_FIRST_GRADE",
                               "R900003," + f + ",张老师,MUSIC,TEACHER_TITLE_FIRST_GRADE"});
  ASSERT_TRUE(teachers.status.ok()) << teachers.status.error_message();
  EXPECT_EQ(teachers.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(teachers.results[1].outcome(), rv1::ROW_OUTCOME_UNCHANGED);
  EXPECT_EQ(teachers.results[2].outcome(), rv1::ROW_OUTCOME_REJECTED);
  EXPECT_EQ(teachers.results[2].field(), "school_code");
  EXPECT_EQ(teachers.results[3].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM teachers WHERE staff_number LIKE 'R9%'"), 2);
}

TEST_F(ImportReplay, ConcurrentUnaryCreatesOfTheSameClassesStayUnique) {
  // Unary CreateSchoolClass calls race an import of the same natural keys:
  // every key ends up with exactly one live class, whoever won.
  const std::string g = Code(7);
  std::vector<std::string> rows;
  for (int n = 1; n <= 40; ++n) rows.push_back(g + ",2," + std::to_string(n) + ",40");
  std::thread unary([&] {
    for (int n = 40; n >= 1; --n) {
      rv1::CreateSchoolClassRequest req;
      req.set_parent("schools/" + g);
      req.mutable_school_class()->set_grade(gongtong::common::v1::GRADE_2);
      req.mutable_school_class()->set_class_number(n);
      rv1::SchoolClass out;
      Call(&Stub::CreateSchoolClass, server_->stub(), req, &out);
    }
  });
  ImportRun run = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns, ""), rows,
                         testing::kProvince, 10);
  unary.join();
  ASSERT_TRUE(run.status.ok()) << run.status.error_message();
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '" + g +
                           "' AND deleted_at IS NULL"),
            40);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM (SELECT class_number FROM school_classes WHERE school_code = '" + g +
                           "' AND deleted_at IS NULL GROUP BY class_number HAVING count(*) > 1) d"),
            0);
  // A row that lost the race is refused as a single create would be.
  for (const auto& r : run.results) {
    if (r.outcome() != rv1::ROW_OUTCOME_REJECTED) continue;
    EXPECT_TRUE(r.code() == google::rpc::ABORTED || r.code() == google::rpc::ALREADY_EXISTS)
        << r.row_number() << " " << r.reason();
  }
}

}  // namespace
}  // namespace gongtong::registry
