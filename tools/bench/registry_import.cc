// gongtong-registry-import-bench: how fast a county is onboarded through
// RegistryService.ImportRows (issue 3: "10,000 rows must import in seconds,
// not minutes").
//
// In the registry's test world (tests/registry/registry_test_server.h: a
// private PostgreSQL with fsync on and Redis, the service in-process on the
// production runner, auth on), each of --rounds (3) rounds on a fresh schema:
//   1. imports --schools (20) schools (CSV),
//   2. imports --rows (10,000) rows of --entity (class | teacher) spread over
//      them as one CSV stream in batches of --batch (1,000) — every row
//      CREATED, each with its change-feed row and event,
//   3. imports the same file again — every row UNCHANGED, nothing written.
// Prints a JSON line per round (seconds and rows/s of both imports) and the
// medians, with the goal: 10,000 rows created in ≤ 6 s, re-run in ≤ 2 s
// (3× the row-at-a-time path's 18.2 s; seconds, not minutes).
// --row-at-a-time=true measures that path (each row in its own savepoint
// with its own ≈ 13 statements) for comparison.
// Exit 1 when any row was not CREATED (first import) or UNCHANGED (re-run).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "bench_args.h"
#include "registry_test_server.h"

namespace {

using gongtong::registry::testing::Import;
using gongtong::registry::testing::ImportRun;
using gongtong::registry::testing::RegistryServer;
namespace rv1 = gongtong::registry::v1;
using gongtong::bench::Flag;
using gongtong::bench::FlagValue;
using gongtong::bench::Median;

rv1::ImportHeader Header(rv1::ImportEntity entity, const std::vector<std::string>& columns) {
  rv1::ImportHeader h;
  h.set_entity(entity);
  h.set_format(rv1::IMPORT_FORMAT_CSV);
  for (const auto& c : columns) h.add_columns(c);
  h.set_source_name("bench.csv");
  return h;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string entity = FlagValue(argc, argv, "entity", "class");
  // --row-at-a-time: each row in its own savepoint with its own statements,
  // as before the batch path (the comparison's "before").
  const bool row_at_a_time = FlagValue(argc, argv, "row-at-a-time", "false") == "true";
  if (row_at_a_time) setenv("GONGTONG_IMPORT_ROW_AT_A_TIME", "1", 1);
  const int rows_wanted = Flag(argc, argv, "rows", 10000), schools = Flag(argc, argv, "schools", 20),
            batch = Flag(argc, argv, "batch", 1000), rounds = Flag(argc, argv, "rounds", 3);
  if (entity != "class" && entity != "teacher") {
    std::fprintf(stderr, "usage: gongtong-registry-import-bench [--entity=class|teacher] [--rows=N] ...\n");
    return 2;
  }
  std::vector<double> first_s, again_s;
  int rc = 0;
  for (int round = 0; round < rounds; ++round) {
    RegistryServer server("regimportbench");
    std::vector<std::string> codes, school_rows;
    for (int s = 0; s < schools; ++s) {
      codes.push_back(absl::StrFormat("21331%05d", 100 * round + s));
      school_rows.push_back(codes.back() + ",导入基准小学" + std::to_string(s) + ",331024,220,211");
    }
    ImportRun made = Import(server.stub(),
                            Header(rv1::IMPORT_ENTITY_SCHOOL, {"school_code", "display_name", "region_code",
                                                               "urban_rural_category", "school_type_code"}),
                            school_rows);
    if (made.summary.created() != schools) {
      std::fprintf(stderr, "creating the schools failed: %s\n", made.status.error_message().c_str());
      return 1;
    }
    std::vector<std::string> rows;
    rv1::ImportHeader header;
    if (entity == "class") {
      header = Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, {"school_code", "grade", "class_number", "pupil_count"});
      for (int i = 0; static_cast<int>(rows.size()) < rows_wanted; ++i) {
        // Round-robin over schools, then grades 1–6, then class numbers.
        const int s = i % schools, g = 1 + (i / schools) % 6, n = 1 + i / (schools * 6);
        rows.push_back(absl::StrFormat("%s,%d,%d,40", codes[s], g, n));
      }
    } else {
      header = Header(rv1::IMPORT_ENTITY_TEACHER, {"staff_number", "school_code", "display_name", "subjects", "title"});
      for (int i = 0; i < rows_wanted; ++i) {
        rows.push_back(absl::StrFormat("B%d%06d,%s,教师%d,MATHEMATICS,TEACHER_TITLE_FIRST_GRADE", round, i,
                                       codes[i % schools], i));
      }
    }
    auto t0 = std::chrono::steady_clock::now();
    ImportRun first = Import(server.stub(), header, rows, gongtong::registry::testing::kProvince, batch);
    const double first_seconds = Seconds(t0);
    t0 = std::chrono::steady_clock::now();
    ImportRun again = Import(server.stub(), header, rows, gongtong::registry::testing::kProvince, batch);
    const double again_seconds = Seconds(t0);
    const bool ok = first.status.ok() && again.status.ok() && first.summary.created() == rows_wanted &&
                    again.summary.unchanged() == rows_wanted;
    if (!ok) rc = 1;
    first_s.push_back(first_seconds);
    again_s.push_back(again_seconds);
    std::printf(
        "{\"round\":%d,\"entity\":\"%s\",\"rows\":%d,\"batch\":%d,\"import_s\":%.2f,\"import_rows_per_s\":%.0f,"
        "\"created\":%lld,\"rerun_s\":%.2f,\"rerun_rows_per_s\":%.0f,\"unchanged\":%lld,\"status\":\"%s\"}\n",
        round + 1, entity.c_str(), rows_wanted, batch, first_seconds, rows_wanted / first_seconds,
        static_cast<long long>(first.summary.created()), again_seconds, rows_wanted / again_seconds,
        static_cast<long long>(again.summary.unchanged()),
        first.status.ok() && again.status.ok() ? "OK" : (first.status.error_message() + again.status.error_message()).c_str());
    std::fflush(stdout);
  }
  const double median = Median(first_s), again = Median(again_s);
  std::printf("import of %d %s rows%s (median of %d rounds): %.2f s = %.0f rows/s (goal <= 6 s: %s); "
              "re-run (all unchanged) %.2f s = %.0f rows/s (goal <= 2 s: %s)\n",
              rows_wanted, entity.c_str(), row_at_a_time ? ", row at a time" : "", rounds, median,
              rows_wanted / median, median <= 6 ? "PASS" : "FAIL", again, rows_wanted / again,
              again <= 2 ? "PASS" : "FAIL");
  return rc;
}
