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

absl::StatusOr<std::vector<RowResult>> ApplyInSavepoints(
    pg::Pool& pool, size_t n, const std::function<RowResult(pqxx::transaction_base&, size_t)>& apply,
    const std::function<RowResult(size_t, const absl::Status&)>& on_error, pg::Deadline deadline, bool dry_run) {
  std::vector<RowResult> results;
  absl::Status s = pool.Transact(
      [&](pqxx::work& tx) -> absl::Status {
        results.clear();
        for (size_t i = 0; i < n; ++i) {
          try {
            pqxx::subtransaction savepoint(tx, "import_row");
            RowResult r = apply(savepoint, i);
            if (r.outcome() == gongtong::registry::v1::ROW_OUTCOME_REJECTED) {
              savepoint.abort();
            } else {
              savepoint.commit();
            }
            results.push_back(std::move(r));
          } catch (const pqxx::broken_connection&) {
            throw;  // the whole batch fails: UNAVAILABLE
          } catch (...) {
            results.push_back(on_error(i, pg::CurrentExceptionStatus()));
          }
        }
        if (dry_run) return absl::CancelledError("dry run: roll back");
        return absl::OkStatus();
      },
      deadline, /*retries=*/0);
  if (!s.ok() && !(dry_run && s.code() == absl::StatusCode::kCancelled)) return s;
  return results;
}

}  // namespace gongtong::registry
