#pragma once
// PostgreSQL adapter for community evaluation (R-EVAL-1 … R-EVAL-4; migration
// 0002_evaluation). Every write runs in one transaction with its idempotency
// claim and, where the API announces it, its outbox event; a failed check
// leaves nothing behind. The rules live in assessment/domain (schemes,
// computation, CSV); this layer loads the facts, applies them and stores.
// Etags are the row version.
//
// Community facts (eval_community_facts) are what the registry says about
// communities; UpsertCommunity is how they arrive (the consumer of the
// registry's CommunityChanged events, or a test standing in for it).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "assessment/domain/evaluation_compute.h"
#include "assessment/domain/evaluation_indicators.h"
#include "assessment/domain/evaluation_scheme.h"
#include "assessment/domain/evaluation_submissions.h"
#include "common/api/list_request.h"
#include "common/auth/principal.h"
#include <pqxx/pqxx>

#include "common/pg/pool.h"
#include "common/pg/write_context.h"
#include "gongtong/assessment/v1/evaluation_input.pb.h"
#include "gongtong/assessment/v1/evaluation_result.pb.h"

namespace gongtong::assessment {

struct CommunityFact {
  std::string community_id;
  gongtong::registry::v1::CommunityType type = gongtong::registry::v1::COMMUNITY_TYPE_UNSPECIFIED;
  std::string region_code;
  std::string core_school_code;
  std::vector<std::string> member_school_codes;
  bool deleted = false;

  bool Has(const std::string& school_code) const;
  bool IsCore(const std::string& school_code) const { return school_code == core_school_code; }
};

// A scheme with where it applies (the built-in default included).
struct SchemeRow {
  av1::EvaluationScheme scheme;  // name, version, state, etag filled
  std::string id;
  bool built_in = false;
};

// Local (Asia/Shanghai) date of "now" for deadlines; injected for tests.
using TodayFn = std::function<google::type::Date()>;

// "SELECT " + this reads CommunityFactFrom's columns of eval_community_facts
// (it ends with the FROM; append the WHERE).
extern const char kCommunityFactColumns[];
CommunityFact CommunityFactFrom(const pqxx::row& row);

// Records what the registry says about a community, inside `tx` (the
// registry-event consumer's transaction).
void UpsertCommunityFact(pqxx::transaction_base& tx, const CommunityFact& c);

class EvaluationStore {
 public:
  explicit EvaluationStore(pg::Pool* pool, TodayFn today);

  absl::Status UpsertCommunity(const CommunityFact& c, pg::Deadline deadline);
  // FAILED_PRECONDITION "COMMUNITY_UNKNOWN" naming `field` when unknown or deleted.
  absl::StatusOr<CommunityFact> GetCommunity(const std::string& community_id, const std::string& field,
                                             pg::Deadline deadline);

  // ---- schemes ----
  absl::StatusOr<SchemeRow> GetScheme(const std::string& scheme_id, pg::Deadline deadline);
  // DRAFT, next version for its region and year.
  absl::StatusOr<av1::EvaluationScheme> CreateScheme(const std::string& scheme_id,
                                                     const av1::EvaluationScheme& input,
                                                     const pg::WriteContext& w);
  // DRAFT → PUBLISHED; the region and year's published one → SUPERSEDED.
  // `check` sees the stored scheme first (access by its region).
  absl::StatusOr<av1::EvaluationScheme> PublishScheme(
      const std::string& scheme_id, const std::string& etag,
      const std::function<absl::Status(const av1::EvaluationScheme&)>& check, const pg::WriteContext& w);

  // ---- scheme listing and edits (evaluation_scheme_store.cc) ----
  // Every stored scheme (soft-deleted ones when asked, audit.delete_time
  // set) and the built-in default, unordered.
  absl::StatusOr<std::vector<av1::EvaluationScheme>> ListSchemes(bool show_deleted, pg::Deadline deadline);
  // A DRAFT changes (`paths` checked); the merged scheme must still pass
  // ValidateScheme (weights summing to 100 %...). Published, superseded and
  // built-in schemes are immutable and deleted ones read-only
  // (FAILED_PRECONDITION). `check` sees the stored scheme first (access).
  absl::StatusOr<av1::EvaluationScheme> UpdateScheme(
      const std::string& scheme_id, const av1::EvaluationScheme& patch, const std::vector<std::string>& paths,
      const std::function<absl::Status(const av1::EvaluationScheme&)>& check, const pg::WriteContext& w);
  // Soft-deletes a DRAFT (NOT_FOUND when already deleted).
  absl::StatusOr<av1::EvaluationScheme> DeleteScheme(
      const std::string& scheme_id, const std::string& etag,
      const std::function<absl::Status(const av1::EvaluationScheme&)>& check, const pg::WriteContext& w);

  // ---- inputs ----
  absl::StatusOr<av1::Declaration> CreateDeclaration(const std::string& id, const av1::Declaration& input,
                                                     const pg::WriteContext& w);
  absl::StatusOr<av1::Declaration> FileDeclaration(
      const std::string& id, const std::string& etag,
      const std::function<absl::Status(const av1::Declaration&)>& check, const pg::WriteContext& w);
  // The component must exist in the (published) scheme: INVALID_ARGUMENT
  // "COMPONENT_NOT_IN_SCHEME" naming self_assessment.component_id.
  absl::StatusOr<av1::SelfAssessment> CreateSelfAssessment(const std::string& id,
                                                           const av1::SelfAssessment& input,
                                                           const pg::WriteContext& w);
  // Filed now; late when after the component's deadline (R-EVAL-3: accepted,
  // flagged); every person-scored indicator must be scored.
  absl::StatusOr<av1::SelfAssessment> SubmitSelfAssessment(
      const std::string& id, const std::string& etag,
      const std::function<absl::Status(const av1::SelfAssessment&)>& check, const pg::WriteContext& w);
  absl::StatusOr<av1::ReviewScore> CreateReviewScore(const std::string& id, const av1::ReviewScore& input,
                                                     const pg::WriteContext& w);

  // ---- indicators ----
  // The event-counted figures of a school year about pairings and
  // communities ("communities/{c}…" subjects), optionally of one metric
  // (0 = any) and community ("" = any), limited to communities whose region
  // starts with `region_prefix`; by subject.
  struct IndicatorRow {
    IndicatorKey key;
    int64_t count = 0;
    int64_t last_event_unix = 0;
  };
  absl::StatusOr<std::vector<IndicatorRow>> ListIndicators(int school_year, int metric, const std::string& community_id,
                                                          const std::string& region_prefix, pg::Deadline deadline);

  // ---- runs and results ----
  // Computes every community of the region with a rule in the scheme from
  // the stored inputs, ranks them and stores the run with its results.
  absl::StatusOr<av1::EvaluationRun> CreateRun(const std::string& run_id, const av1::EvaluationRun& input,
                                               const pg::WriteContext& w);
  // COMPUTED → FINALISED (the region and year's finalised run → SUPERSEDED),
  // with EvaluationRunFinalised in the outbox. `check` sees the run first.
  absl::StatusOr<av1::EvaluationRun> FinaliseRun(const std::string& run_id, const std::string& etag,
                                                 const std::function<absl::Status(const av1::EvaluationRun&)>& check,
                                                 const pg::WriteContext& w);
  absl::StatusOr<av1::EvaluationRun> GetRun(const std::string& run_id, pg::Deadline deadline);
  absl::StatusOr<av1::CommunityResult> GetCommunityResult(const std::string& run_id,
                                                          const std::string& community_id, pg::Deadline deadline);
  absl::StatusOr<av1::SchoolResult> GetSchoolResult(const std::string& run_id, const std::string& school_code,
                                                    pg::Deadline deadline);
  // Every community result (by rank, incomplete last) and school result.
  struct RunResults {
    av1::EvaluationRun run;
    av1::EvaluationScheme scheme;
    std::vector<av1::CommunityResult> communities;
    std::map<std::string, av1::SchoolResult> schools;  // by name
  };
  absl::StatusOr<RunResults> LoadResults(const std::string& run_id, pg::Deadline deadline);

  // ---- listings and edits of inputs and runs (evaluation_list_store.cc) ----
  // An input with what access needs: its school and its community's region.
  template <typename M>
  struct Located {
    M item;  // etag set; audit.delete_time when soft-deleted
    std::string school_code, region_code;
    bool deleted = false, filed = false, used_by_finalised_run = false;
  };
  template <typename M>
  using Check = std::function<absl::Status(const Located<M>&)>;
  absl::StatusOr<Located<av1::Declaration>> GetDeclaration(const std::string& id, pg::Deadline deadline);
  absl::StatusOr<Located<av1::SelfAssessment>> GetSelfAssessment(const std::string& id, pg::Deadline deadline);
  absl::StatusOr<Located<av1::ReviewScore>> GetReviewScore(const std::string& id, pg::Deadline deadline);

  // Every input matching the filter terms (fields as the List requests
  // name them; a bad value is INVALID_ARGUMENT naming filter), in `order`,
  // limited to what `who` may read (evaluation_access.h in SQL form).
  struct InputQuery {
    std::vector<api::FilterTerm> filter;
    std::vector<api::OrderField> order;
    bool show_deleted = false;
  };
  absl::StatusOr<std::vector<av1::Declaration>> ListDeclarations(const InputQuery& q, const auth::Principal& who,
                                                                 pg::Deadline deadline);
  absl::StatusOr<std::vector<av1::SelfAssessment>> ListSelfAssessments(const InputQuery& q,
                                                                       const auth::Principal& who,
                                                                       pg::Deadline deadline);
  absl::StatusOr<std::vector<av1::ReviewScore>> ListReviewScores(const InputQuery& q, const auth::Principal& who,
                                                                 pg::Deadline deadline);

  // Edits: `check` sees the stored input first (access), then the etag
  // (ABORTED), then InputEditable (FAILED_PRECONDITION); `paths` are the
  // checked update mask. Totals are recomputed against the scheme.
  absl::StatusOr<av1::Declaration> UpdateDeclaration(const std::string& id, const av1::Declaration& patch,
                                                     const std::vector<std::string>& paths,
                                                     const Check<av1::Declaration>& check, const pg::WriteContext& w);
  absl::StatusOr<av1::Declaration> DeleteDeclaration(const std::string& id, const std::string& etag,
                                                     const Check<av1::Declaration>& check, const pg::WriteContext& w);
  absl::StatusOr<av1::SelfAssessment> UpdateSelfAssessment(const std::string& id, const av1::SelfAssessment& patch,
                                                           const std::vector<std::string>& paths,
                                                           const Check<av1::SelfAssessment>& check,
                                                           const pg::WriteContext& w);
  absl::StatusOr<av1::ReviewScore> UpdateReviewScore(const std::string& id, const av1::ReviewScore& patch,
                                                     const std::vector<std::string>& paths,
                                                     const Check<av1::ReviewScore>& check, const pg::WriteContext& w);
  absl::StatusOr<av1::ReviewScore> DeleteReviewScore(const std::string& id, const std::string& etag,
                                                     const Check<av1::ReviewScore>& check, const pg::WriteContext& w);

  // Runs of regions starting with `region_prefix`, matching the filter
  // (region_code = or :, school_year =, state =), by create time.
  absl::StatusOr<std::vector<av1::EvaluationRun>> ListRuns(const std::vector<api::FilterTerm>& filter,
                                                          bool newest_first, const std::string& region_prefix,
                                                          pg::Deadline deadline);

  // What ListSubmissionStatuses needs: the communities in scope (a region
  // prefix, one community, or those of one school), the scheme (the one
  // named, else the one in force for the scope's region and year), and the
  // live declarations and self-assessments of those communities and year.
  struct SubmissionFacts {
    std::vector<CommunityFact> communities;
    av1::EvaluationScheme scheme;
    std::map<std::string, FiledInput> declarations;     // "{community}/{school}"
    std::map<std::string, FiledInput> self_assessments;  // "{community}/{school}/{component}"
  };
  enum class Scope { kRegion, kCommunity, kSchool };
  absl::StatusOr<SubmissionFacts> LoadSubmissionFacts(Scope scope, const std::string& key, int school_year,
                                                      const std::string& scheme_name, pg::Deadline deadline);

 private:
  pg::Pool* pool_;
  TodayFn today_;
};

}  // namespace gongtong::assessment
