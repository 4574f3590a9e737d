#pragma once
// What every bulk-import entity applies the same way (ImportRows): a batch
// is one transaction and each row (or unit of rows) its own savepoint, so a
// refused row changes nothing and the others still apply; a dry run decides
// every row the same way, its later rows seeing the earlier ones' effects,
// then rolls the whole batch back. Plus the RowResult of an outcome and of a
// refusal (code, field, reason with the zh-CN message).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/import.pb.h"

namespace gongtong::registry {

gongtong::registry::v1::RowResult RowOutcomeOf(int64_t row, gongtong::registry::v1::RowOutcome outcome,
                                               const std::string& name);

// A REJECTED result: the status's code; the field of its first BadRequest
// violation without the request prefix ("school_class.pupil_count" →
// "pupil_count", "teacher.school" → "school_code"), else `fallback_field`
// (also for a violation naming the resource itself: "name", "parent"); the
// reason "zh-CN（English）".
gongtong::registry::v1::RowResult RejectedRow(int64_t row, const absl::Status& status,
                                              const std::string& fallback_field, const std::string& name = "");

using RowResults = std::vector<gongtong::registry::v1::RowResult>;

// What ImportRows does in a batch's own transaction around its rows (not on a
// dry run): `claim` first (an error rolls the batch back and is the batch's
// answer), `record` with the batch's results last, so a request_id's stored
// results are committed with exactly the writes they report.
struct BatchHook {
  std::function<absl::Status(pqxx::transaction_base&)> claim;
  std::function<void(pqxx::transaction_base&, const RowResults&)> record;
};

// Runs `decide(tx)` in one transaction with `hook` around it; a dry run
// rolls back (and runs no hook). A database that goes away or a passed
// deadline fails the whole batch.
absl::StatusOr<RowResults> ApplyBatch(pg::Pool& pool, const std::function<RowResults(pqxx::dbtransaction&)>& decide,
                                      pg::Deadline deadline, bool dry_run, const BatchHook& hook);

// Runs `apply(savepoint)` in a savepoint of `tx`: a REJECTED result rolls
// the savepoint back; an exception does too and becomes `on_error(status)`
// (a broken connection is rethrown).
gongtong::registry::v1::RowResult ApplyInSavepoint(
    pqxx::dbtransaction& tx, const std::function<gongtong::registry::v1::RowResult(pqxx::transaction_base&)>& apply,
    const std::function<gongtong::registry::v1::RowResult(const absl::Status&)>& on_error);

// ApplyBatch of `apply(tx, i)` for i in 0..n-1, each ApplyInSavepoint
// (`on_error(i, status)` for an exception).
absl::StatusOr<RowResults> ApplyInSavepoints(
    pg::Pool& pool, size_t n, const std::function<gongtong::registry::v1::RowResult(pqxx::transaction_base&, size_t)>& apply,
    const std::function<gongtong::registry::v1::RowResult(size_t, const absl::Status&)>& on_error,
    pg::Deadline deadline, bool dry_run, const BatchHook& hook);

}  // namespace gongtong::registry
