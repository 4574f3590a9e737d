#pragma once
// PostgreSQL adapter for support teaching (R-SUP-1 … R-SUP-5). Every write
// runs in one transaction with its idempotency claim (common/pg/idempotency.h)
// and its outbox event (common/events/event.h), so all of them commit or
// none. The rules themselves live in assessment/domain; this layer loads,
// applies and stores. Etags are the row version.

#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "assessment/domain/support_access.h"
#include "assessment/domain/support_signoff.h"
#include "assessment/domain/support_summary.h"
#include "common/api/list_request.h"
#include "common/auth/principal.h"
#include "common/pg/pool.h"
#include "gongtong/assessment/v1/support.pb.h"
#include "gongtong/common/v1/audit.pb.h"

namespace gongtong::assessment {

// Who writes, under which request_id, for which request.
struct SupportWrite {
  gongtong::common::v1::Actor actor;
  auth::Principal principal;
  std::string method;       // the idempotency scope, e.g. "CreateSupportAssignment"
  std::string request_id;   // may be empty
  std::string fingerprint;  // of the request
  std::string correlation_id;
  pg::Deadline deadline = pg::NoDeadline();
};

// An assignment with what access and the rules need.
struct AssignmentRow {
  av1::SupportAssignment assignment;  // name, etag, audit filled
  std::string id;
  AssignmentScope scope;
  bool deleted = false;
  bool withdrawn = false;
};

// The effective rules in domain units.
struct EffectiveRules {
  av1::SupportRules proto;  // name, source, etag filled
  CountingFactors factors;
  CentiHours min_year_hours = 8000;
  int min_year_lessons = 60, min_term_lessons = 30, quota_extra = 2;
  bool require_county_receipt = false;
};

// A page request of a support listing; the RPC layer has parsed and checked
// filter and order_by against the *FilterFields()/*OrderFields() below.
struct SupportListQuery {
  std::string parent_id;  // an assignment id; "" = every one in scope
  std::vector<api::FilterTerm> filter;
  std::vector<api::OrderField> order;
  int limit = 50;
  int64_t offset = 0;  // position after the previous page
  bool show_deleted = false;
  bool count_total = false;
};

template <typename M>
struct SupportPage {
  std::vector<M> items;
  bool more = false;
  int64_t total = -1;  // when count_total
};

const std::vector<api::FilterField>& AssignmentFilterFields();
const std::vector<std::string>& AssignmentOrderFields();
const std::vector<api::FilterField>& RecordFilterFields();
const std::vector<std::string>& RecordOrderFields();
const std::vector<api::FilterField>& QuotaFilterFields();
const std::vector<std::string>& QuotaOrderFields();
const std::vector<api::FilterField>& CertificationFilterFields();
const std::vector<std::string>& CertificationOrderFields();
const std::vector<api::FilterField>& SummaryFilterFields();
const std::vector<std::string>& SummaryOrderFields();

// The stream this service publishes to.
inline constexpr char kAssessmentStream[] = "gongtong:assessment:events";

class SupportStore {
 public:
  explicit SupportStore(pg::Pool* pool) : pool_(pool) {}

  // ---- rules (support_rules_store.cc)
  // The effective rules of `region` for `year`: its own, else the nearest
  // ancestor's (6 → 4 → 2 digits), else the built-in defaults.
  absl::StatusOr<EffectiveRules> GetRules(const std::string& region, int year, pg::Deadline deadline);
  static absl::StatusOr<EffectiveRules> RulesTx(pqxx::transaction_base& tx, const std::string& region, int year);
  // Sets a region's own rules (created on first update) from `patch` for
  // the fields in `paths` (already checked). ABORTED on a stale etag.
  absl::StatusOr<av1::SupportRules> UpdateRules(const std::string& region, int year, const av1::SupportRules& patch,
                                                const std::vector<std::string>& paths, const SupportWrite& w);

  // ---- quotas (support_rules_store.cc)
  // NOT_FOUND when not entered. `region` out: the county that entered it.
  absl::StatusOr<av1::SupportQuota> GetQuota(const std::string& school, int year, pg::Deadline deadline,
                                             std::string* region = nullptr);
  // Enters N (created on first update, for the caller's region). `allowed`
  // is asked with the stored region before an existing quota is changed.
  // FAILED_PRECONDITION when the new cap is below the places used.
  absl::StatusOr<av1::SupportQuota> UpdateQuota(const std::string& school, int year, const av1::SupportQuota& patch,
                                                const std::vector<std::string>& paths, const std::string& region,
                                                const std::function<bool(const std::string&)>& allowed,
                                                const SupportWrite& w);

  // ---- assignments (support_assignment_store.cc)
  // Creates the assignment and its two term summaries, checking the unit's
  // quota under a row lock (R-SUP-1). ALREADY_EXISTS when the id is taken or
  // the teacher has a live assignment that year.
  absl::StatusOr<av1::SupportAssignment> CreateAssignment(av1::SupportAssignment a, std::string id,
                                                          const std::string& region, const SupportWrite& w);
  // Replaces the fields in `paths` (checked by the caller: receiving_schools,
  // kind, period, subjects, rotation, withdrawal_reason). A withdrawal_reason
  // withdraws the assignment (frees a quota place). FAILED_PRECONDITION when
  // deleted or withdrawn, when certified, when a removed receiving school or
  // a narrowed period would orphan live records.
  absl::StatusOr<av1::SupportAssignment> UpdateAssignment(const std::string& id, const av1::SupportAssignment& patch,
                                                          const std::vector<std::string>& paths, const SupportWrite& w);
  // Soft delete (FAILED_PRECONDITION when it has live records: withdraw it
  // instead) or, with `undelete`, restore (FAILED_PRECONDITION when the
  // teacher has another live assignment that year or the quota is full).
  absl::StatusOr<av1::SupportAssignment> DeleteAssignment(const std::string& id, const std::string& etag, bool undelete,
                                                          const SupportWrite& w);
  // NOT_FOUND when unknown (deleted ones are returned, deleted = true).
  absl::StatusOr<AssignmentRow> GetAssignment(const std::string& id, pg::Deadline deadline);
  static absl::StatusOr<AssignmentRow> AssignmentTx(pqxx::transaction_base& tx, const std::string& id, bool for_update);
  // The live (not deleted, not withdrawn) assignments of `teacher_id` that
  // list one of `school_codes` as a receiving school, in id order.
  static std::vector<AssignmentRow> LiveAssignmentsAtTx(pqxx::transaction_base& tx, const std::string& teacher_id,
                                                        const std::vector<std::string>& school_codes);

  // ---- listings (support_list_store.cc): only what `who` may read.
  absl::StatusOr<SupportPage<av1::SupportAssignment>> ListAssignments(const SupportListQuery& q,
                                                                      const auth::Principal& who,
                                                                      pg::Deadline deadline);
  absl::StatusOr<SupportPage<av1::ActivityRecord>> ListRecords(const SupportListQuery& q, const auth::Principal& who,
                                                               pg::Deadline deadline);
  // Quotas of one school (`parent_id` = its code) or all in scope.
  absl::StatusOr<SupportPage<av1::SupportQuota>> ListQuotas(const SupportListQuery& q, const auth::Principal& who,
                                                            pg::Deadline deadline);
  absl::StatusOr<SupportPage<av1::Certification>> ListCertifications(const SupportListQuery& q,
                                                                     const auth::Principal& who, pg::Deadline deadline);
  absl::StatusOr<SupportPage<av1::TermSummary>> ListSummaries(const SupportListQuery& q, const auth::Principal& who,
                                                              pg::Deadline deadline);

  // ---- activity records (support_record_store.cc)
  // Validates against the assignment and the rules (R-SUP-2, R-SUP-3),
  // inserts, and voids the term summary's signatures (FAILED_PRECONDITION
  // TERM_LOCKED once the county received it).
  absl::StatusOr<av1::ActivityRecord> CreateRecord(const std::string& assignment_id, av1::ActivityRecord record,
                                                   std::string record_id, const SupportWrite& w);
  // The same inside `tx` for an event-sourced record: nullopt when a record
  // with this source_ref exists already (a redelivered event). Without
  // `with_teaching_order` the answer's teaching_order is 0 (saves a query on
  // the event path).
  static absl::StatusOr<std::optional<av1::ActivityRecord>> InsertRecordTx(
      pqxx::transaction_base& tx, const AssignmentRow& a, av1::ActivityRecord record, std::string record_id,
      const gongtong::common::v1::Actor& actor, const std::string& correlation_id, bool with_teaching_order = true);
  absl::StatusOr<av1::ActivityRecord> GetRecord(const std::string& assignment_id, const std::string& record_id,
                                                pg::Deadline deadline);
  // Replaces the fields in `paths` (date, start_time, receiving_school,
  // lessons, half_days, subject, topic, evidence), revalidated as on create;
  // voids the signatures of the term it leaves and the term it enters.
  // Event-sourced records change only by the county or the province.
  absl::StatusOr<av1::ActivityRecord> UpdateRecord(const std::string& assignment_id, const std::string& record_id,
                                                   const av1::ActivityRecord& patch,
                                                   const std::vector<std::string>& paths, const SupportWrite& w);
  // Soft delete; voids the term's signatures.
  absl::StatusOr<av1::ActivityRecord> DeleteRecord(const std::string& assignment_id, const std::string& record_id,
                                                   const std::string& etag, const SupportWrite& w);

  // ---- term summaries (support_summary_store.cc)
  absl::StatusOr<av1::TermSummary> GetSummary(const std::string& assignment_id, TermKind term, pg::Deadline deadline);
  // A sign-off step by w.principal (R-SUP-4). ABORTED when `digest` or
  // `etag` (when not empty) is stale.
  absl::StatusOr<av1::TermSummary> Sign(const std::string& assignment_id, TermKind term, av1::SignatureStep step,
                                        const std::string& digest, const std::string& etag, const SupportWrite& w);
  // Narrative / signed document; voids the signatures.
  absl::StatusOr<av1::TermSummary> UpdateSummary(const std::string& assignment_id, TermKind term,
                                                 const av1::TermSummary& patch, const std::vector<std::string>& paths,
                                                 const SupportWrite& w);

  // ---- certification (support_certification_store.cc)
  // Decides R-SUP-5 from the records and summaries; stores the decision
  // unless `validate_only`.
  absl::StatusOr<av1::Certification> Certify(const std::string& assignment_id, bool validate_only,
                                             const std::string& etag, const SupportWrite& w);
  absl::StatusOr<av1::Certification> GetCertification(const std::string& assignment_id, pg::Deadline deadline);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::assessment
