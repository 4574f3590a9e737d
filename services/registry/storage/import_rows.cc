#include "registry/storage/import_rows.h"

#include "common/pg/pg_status.h"
#include "common/status/error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong::registry {

using gongtong::registry::v1::RowResult;

RowResult RowOutcomeOf(int64_t row, gongtong::registry::v1::RowOutcome outcome, const std::string& name) {
  RowResult r;
  r.set_row_number(row);
  r.set_outcome(outcome);
  r.set_name(name);
  return r;
}

RowResult RejectedRow(int64_t row, const absl::Status& status, const std::string& fallback_field,
                      const std::string& name) {
  RowResult r = RowOutcomeOf(row, gongtong::registry::v1::ROW_OUTCOME_REJECTED, name);
  r.set_code(static_cast<google::rpc::Code>(status.code()));
  std::string field = fallback_field, zh;
  if (auto payload = status.GetPayload(kDetailsPayloadUrl)) {
    google::rpc::Status details;
    if (details.ParseFromString(std::string(*payload))) {
      for (const auto& any : details.details()) {
        google::rpc::BadRequest bad;
        google::rpc::LocalizedMessage localized;
        if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
          // "school_class.pupil_count" → "pupil_count"; "name" and "parent"
          // stand for the row's key, "school" for its school_code column.
          const std::string& f = bad.field_violations(0).field();
          const auto dot = f.find('.');
          const std::string column = dot == std::string::npos ? f : f.substr(dot + 1);
          if (column == "school") {
            field = "school_code";
          } else if (column != "name" && column != "parent") {
            field = column;
          }
        } else if (any.UnpackTo(&localized) && localized.locale() == "zh-CN") {
          zh = localized.message();
        }
      }
    }
  }
  r.set_field(field);
  r.set_reason(zh.empty() ? std::string(status.message()) : zh + "（" + std::string(status.message()) + "）");
  return r;
}

absl::StatusOr<RowResults> ApplyBatch(pg::Pool& pool, const std::function<RowResults(pqxx::dbtransaction&)>& decide,
                                      pg::Deadline deadline, bool dry_run, const BatchHook& hook) {
  RowResults results;
  absl::Status s = pool.Transact(
      [&](pqxx::work& tx) -> absl::Status {
        if (!dry_run && hook.claim) {
          if (absl::Status claimed = hook.claim(tx); !claimed.ok()) return claimed;
        }
        results = decide(tx);
        if (dry_run) return absl::CancelledError("dry run: roll back");
        if (hook.record) hook.record(tx, results);
        return absl::OkStatus();
      },
      deadline, /*retries=*/0);
  if (!s.ok() && !(dry_run && s.code() == absl::StatusCode::kCancelled)) return s;
  return results;
}

RowResult ApplyInSavepoint(pqxx::dbtransaction& tx, const std::function<RowResult(pqxx::transaction_base&)>& apply,
                           const std::function<RowResult(const absl::Status&)>& on_error) {
  try {
    pqxx::subtransaction savepoint(tx, "import_row");
    RowResult r = apply(savepoint);
    if (r.outcome() == gongtong::registry::v1::ROW_OUTCOME_REJECTED) {
      savepoint.abort();
    } else {
      savepoint.commit();
    }
    return r;
  } catch (const pqxx::broken_connection&) {
    throw;  // the whole batch fails: UNAVAILABLE
  } catch (...) {
    return on_error(pg::CurrentExceptionStatus());
  }
}

absl::StatusOr<RowResults> ApplyInSavepoints(
    pg::Pool& pool, size_t n, const std::function<RowResult(pqxx::transaction_base&, size_t)>& apply,
    const std::function<RowResult(size_t, const absl::Status&)>& on_error, pg::Deadline deadline, bool dry_run,
    const BatchHook& hook) {
  return ApplyBatch(
      pool,
      [&](pqxx::dbtransaction& tx) {
        RowResults results;
        for (size_t i = 0; i < n; ++i) {
          results.push_back(ApplyInSavepoint(
              tx, [&](pqxx::transaction_base& savepoint) { return apply(savepoint, i); },
              [&](const absl::Status& status) { return on_error(i, status); }));
        }
        return results;
      },
      deadline, dry_run, hook);
}

}  // namespace gongtong::registry
