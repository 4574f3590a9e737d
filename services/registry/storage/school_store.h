#pragma once
// PostgreSQL adapter for schools. Every write runs in one transaction with
// its idempotency claim, its change-feed row and its outbox event, so either
// all of them commit or none. Reads return the School with etag (its
// version) and audit times filled.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/idempotency.h"
#include "common/pg/pool.h"
#include "gongtong/common/v1/audit.pb.h"
#include "gongtong/registry/v1/change.pb.h"
#include "gongtong/registry/v1/school.pb.h"

namespace gongtong::registry {

using gongtong::common::v1::Actor;
using gongtong::registry::v1::School;

struct WriteContext {
  Actor actor;
  std::string method;       // e.g. "CreateSchool", the idempotency scope
  std::string request_id;   // may be empty
  std::string fingerprint;  // of the request, for request_id reuse checks
  std::string correlation_id;
  pg::Deadline deadline = pg::NoDeadline();
};

// Claims ctx.request_id inside `tx` (common/pg/idempotency.h): the first
// call's answer when this call is a retry, nullopt when it is the first.
template <typename M>
absl::StatusOr<std::optional<M>> Replay(pqxx::transaction_base& tx, const WriteContext& ctx) {
  auto first = pg::ClaimRequest(tx, ctx.method, ctx.request_id, ctx.fingerprint);
  if (!first.ok()) return first.status();
  if (!*first) return std::optional<M>();
  M answer;
  answer.ParseFromString(**first);
  return std::optional<M>(std::move(answer));
}

struct SchoolListQuery {
  std::vector<api::FilterTerm> filter;  // checked against SchoolFilterFields()
  std::vector<api::OrderField> order;   // fields of SchoolOrderFields(), one direction
  std::vector<std::string> after;       // sort-key values of the last item seen
  int limit = 50;
  bool show_deleted = false;
  std::string region_scope;             // only region codes with this prefix ("" = all)
  bool count_total = false;
};

struct SchoolPage {
  std::vector<School> schools;
  std::vector<std::string> last_key;  // sort-key values of the last school
  bool more = false;
  int64_t total = -1;                 // when count_total
};

// The filter fields and operators ListSchools accepts, and its sort fields.
const std::vector<api::FilterField>& SchoolFilterFields();
const std::vector<std::string>& SchoolOrderFields();

class SchoolStore {
 public:
  explicit SchoolStore(pg::Pool* pool) : pool_(pool) {}

  // NOT_FOUND when no school has the code (deleted ones are returned).
  absl::StatusOr<School> Get(const std::string& code, pg::Deadline deadline);
  absl::StatusOr<SchoolPage> List(const SchoolListQuery& query, pg::Deadline deadline);

  // ALREADY_EXISTS when the code exists, live or deleted.
  absl::StatusOr<School> Create(const School& school, const WriteContext& ctx);

  // Applies `mutate` to the current school under a row lock. `expected_etag`
  // (when not empty) must match: ABORTED otherwise. `kind` says what the
  // change is for the feed (updated, deleted, undeleted); `changed_paths`
  // go to the feed. `mutate` returns an error to refuse (nothing written).
  using Mutation = std::function<absl::Status(School& school, bool& deleted)>;
  absl::StatusOr<School> Mutate(const std::string& code, const std::string& expected_etag,
                                gongtong::registry::v1::ChangeKind kind,
                                const std::vector<std::string>& changed_paths,
                                const Mutation& mutate, const WriteContext& ctx);

  // ---- steps inside the caller's transaction (bulk import) ----
  // The schools among `codes` that exist (deleted ones too), locked FOR UPDATE.
  static std::map<std::string, School> LockExisting(pqxx::transaction_base& tx, const std::vector<std::string>& codes);
  // Inserts a new school and records the change; nullopt when the code exists.
  static std::optional<School> Insert(pqxx::transaction_base& tx, const School& school, const WriteContext& ctx);
  // After a community write: recomputes School.communities and fused_into
  // of the live schools among `codes` from their live communities and
  // rewrites (and records as UPDATED changes with events, so caches drop
  // them) those whose fields changed. Returns their codes.
  static std::vector<std::string> RefreshCommunityFields(pqxx::transaction_base& tx,
                                                         const std::vector<std::string>& codes,
                                                         const WriteContext& ctx);
  // Writes `school` (current state after a change) and records the change.
  static School Rewrite(pqxx::transaction_base& tx, School school, bool deleted, gongtong::registry::v1::ChangeKind kind,
                        const std::vector<std::string>& changed_paths, const WriteContext& ctx);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
