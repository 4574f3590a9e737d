// gongtong-assessment-eval: how long a county's yearly evaluation takes
// (issue 5 goal: 200 communities from raw records in ≤ 1 s).
//
// It starts a private PostgreSQL (tests/support/local_servers.h, temporary
// directory, fsync on), applies the assessment migrations to a fresh schema
// and stores a county's raw records for school year 2024 with SQL, as the API
// would have left them (bodies empty; the run reads ids, totals and flags):
// --communities communities (fused / co-built / collaborative in turn), each
// a core and two members; per school its filed declaration, a review score
// for each of its three components, a filed self-assessment for each (every
// seventh late), and delivered-session counts for two pairings. Then it times
//   run_ms      EvaluationStore::CreateRun: read every input of the county in
//               one transaction, compute, rank, store run + results
//               (what CreateEvaluationRun does after access checks);
//   compute_ms  the pure computation alone (EvaluateCommunity + ranking) on
//               facts already in memory;
// each the median of --runs runs. Output: one JSON line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "assessment/domain/evaluation_compute.h"
#include "assessment/rpc/evaluation_methods.h"
#include "assessment/storage/evaluation_store.h"
#include "common/pg/migrations.h"
#include "bench_args.h"
#include "local_servers.h"

namespace gongtong::pg {
const std::vector<Migration>& AssessmentMigrations();
}

namespace {

using namespace gongtong;
using bench::Flag;
using bench::Median;
namespace av1 = gongtong::assessment::v1;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The county's raw records. Schools of community i: 33108300000 + 10 i + k,
// k = 1 core, 2 and 3 members (10-digit codes).
constexpr char kSeed[] = R"sql(
INSERT INTO eval_community_facts (community_id, type, region_code, core_school_code, member_school_codes)
SELECT 'c' || i, 1 + i % 3, '331083', (3310830000 + 10 * i + 1)::text,
       ARRAY[(3310830000 + 10 * i + 2)::text, (3310830000 + 10 * i + 3)::text]
FROM generate_series(1, $1) i;

WITH s AS (SELECT i, k, (3310830000 + 10 * i + k)::text AS code, 1 + i % 3 AS type
           FROM generate_series(1, $1) i, generate_series(1, 3) k)
INSERT INTO eval_declarations (declaration_id, kind, community_id, school_code, school_year, filed, body)
SELECT 'd' || i || '-' || k, CASE WHEN k > 1 AND type <> 3 AND i % 2 = 0 THEN 2 ELSE 1 END, 'c' || i, code, 2024,
       true, ''::bytea
FROM s;

WITH s AS (SELECT i, k, (3310830000 + 10 * i + k)::text AS code, 1 + i % 3 AS type
           FROM generate_series(1, $1) i, generate_series(1, 3) k),
     c AS (SELECT s.*, comp FROM s, unnest(ARRAY['regular_autumn', 'regular_spring', 'year_end']) comp)
INSERT INTO eval_review_scores (review_score_id, scheme_id, component_id, school_code, community_id, school_year,
                                total, body)
SELECT 'r' || i || '-' || k || '-' || comp, 'yuhuan-default',
       CASE WHEN comp <> 'year_end' THEN comp
            WHEN k > 1 AND type <> 3 AND i % 2 = 0 THEN 'feature' ELSE 'project' END,
       code, 'c' || i, 2024,
       CASE WHEN comp = 'year_end' THEN (25 + (i * 7 + k) % 15)::text || '.5'
            ELSE (70 + (i * 13 + k) % 30)::text || '.35' END,
       ''::bytea
FROM c;

INSERT INTO eval_self_assessments (self_assessment_id, scheme_id, component_id, school_code, community_id,
                                   school_year, filed, late, total, body)
SELECT 's' || substr(review_score_id, 2), scheme_id, component_id, school_code, community_id, school_year, true,
       (hashtext(review_score_id) % 7 = 0), total, ''::bytea
FROM eval_review_scores;

WITH s AS (SELECT i, k, (3310830000 + 10 * i + k)::text AS code FROM generate_series(1, $1) i, generate_series(1, 3) k),
     p AS (SELECT s.*, pairing FROM s, generate_series(1, 2) pairing)
INSERT INTO eval_indicator_counts (metric, subject, school_year, term, event_count, last_event_at)
SELECT 1, 'schools/' || code || '|communities/c' || i || '/pairings/p' || pairing, 2024, 0, 60 + (i + k + pairing) % 60,
       now()
FROM p;
)sql";

}  // namespace

int main(int argc, char** argv) {
  const int communities = Flag(argc, argv, "communities", 200);
  const int runs = std::max(1, Flag(argc, argv, "runs", 5));
  auto& postgres = gongtong::testing::LocalPostgres::Shared();
  pg::Pool pool({postgres.dsn(), gongtong::testing::UniqueSchema("evalbench"), 2});
  absl::Status s = pool.WithConnection([&](pqxx::connection& c) {
    return pg::ApplyMigrations(c, pool.schema(), {&pg::CommonMigrations(), &pg::AssessmentMigrations()}).status();
  });
  if (s.ok()) {
    s = pool.Transact([&](pqxx::work& tx) {
      // Statements one by one: exec_params runs a single statement.
      std::string sql = kSeed;
      size_t from = 0;
      while (true) {
        const size_t end = sql.find(";\n", from);
        if (end == std::string::npos) break;
        const std::string stmt = sql.substr(from, end - from);
        if (stmt.find_first_not_of(" \n") != std::string::npos) {
          if (stmt.find("$1") != std::string::npos) {
            tx.exec_params(stmt, communities);
          } else {
            tx.exec(stmt);
          }
        }
        from = end + 2;
      }
      return absl::OkStatus();
    });
  }
  if (!s.ok()) {
    std::fprintf(stderr, "setup: %s\n", s.ToString().c_str());
    return 1;
  }
  assessment::EvaluationStore store(&pool, assessment::TodayInChina);
  std::vector<double> run_ms;
  av1::EvaluationRun last;
  for (int r = 0; r < runs; ++r) {
    av1::EvaluationRun input;
    input.set_region_code("331083");
    input.set_school_year(2024);
    pg::WriteContext w;
    w.method = "CreateEvaluationRun";
    const auto start = Clock::now();
    auto run = store.CreateRun("bench-" + std::to_string(r), input, w);
    run_ms.push_back(Ms(Clock::now() - start));
    if (!run.ok()) {
      std::fprintf(stderr, "run: %s\n", run.status().ToString().c_str());
      return 1;
    }
    last = *run;
  }
  // The pure computation on the same shape of facts, in memory.
  std::vector<assessment::CommunityFacts> facts;
  for (int i = 1; i <= communities; ++i) {
    assessment::CommunityFacts f;
    f.community_id = "c" + std::to_string(i);
    f.type = static_cast<gongtong::registry::v1::CommunityType>(1 + i % 3);
    for (int k = 1; k <= 3; ++k) {
      assessment::SchoolFacts sf;
      sf.school_code = std::to_string(3310830000LL + 10 * i + k);
      const bool feature = k > 1 && f.type != 3 && i % 2 == 0;
      sf.declared.insert(feature ? av1::COMPONENT_KIND_FEATURE : av1::COMPONENT_KIND_PROJECT);
      for (const char* comp : {"regular_autumn", "regular_spring"}) {
        sf.scores[comp] = {assessment::Dec(std::to_string(70 + (i * 13 + k) % 30) + ".35"), "reviewScores/x"};
      }
      sf.scores[feature ? "feature" : "project"] = {assessment::Dec(std::to_string(25 + (i * 7 + k) % 15) + ".5"),
                                                    "reviewScores/y"};
      (k == 1 ? f.core : f.members.emplace_back()) = sf;
    }
    facts.push_back(std::move(f));
  }
  std::vector<double> compute_ms;
  for (int r = 0; r < runs; ++r) {
    const auto start = Clock::now();
    std::vector<assessment::CommunityEvaluation> evs;
    for (const auto& f : facts) evs.push_back(*assessment::EvaluateCommunity(assessment::DefaultScheme(), f, "evaluationRuns/x"));
    std::vector<av1::CommunityResult*> ptrs;
    for (auto& e : evs) ptrs.push_back(&e.community);
    assessment::RankCommunities(ptrs);
    compute_ms.push_back(Ms(Clock::now() - start));
  }
  std::printf(
      "{\"communities\":%d,\"schools\":%d,\"incomplete\":%d,\"runs\":%d,\"run_ms_median\":%.1f,\"run_ms_max\":%.1f,"
      "\"compute_ms_median\":%.2f}\n",
      last.community_count(), last.school_count(), last.incomplete_count(), runs, Median(run_ms),
      *std::max_element(run_ms.begin(), run_ms.end()), Median(compute_ms));
  return 0;
}
