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

// Runs `apply(tx, i)` for i in 0..n-1, each in a savepoint of one
// transaction. A REJECTED result rolls its savepoint back; an exception
// does too and becomes `on_error(i, status)`. A database that goes away or a
// passed deadline fails the whole batch.
absl::StatusOr<std::vector<gongtong::registry::v1::RowResult>> ApplyInSavepoints(
    pg::Pool& pool, size_t n, const std::function<gongtong::registry::v1::RowResult(pqxx::transaction_base&, size_t)>& apply,
    const std::function<gongtong::registry::v1::RowResult(size_t, const absl::Status&)>& on_error,
    pg::Deadline deadline, bool dry_run);

}  // namespace gongtong::registry
