#include "registry/storage/import_replay.h"

#include <pqxx/binarystring>

#include "common/pg/idempotency.h"
#include "common/status/error.h"

namespace gongtong::registry {
namespace {

constexpr char kLive[] = "created_at > now() - interval '24 hours'";

absl::Status Reused() {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED")
      .Message("header.request_id was already used for an import with other rows")
      .Zh("请求编号已用于另一份不同的导入数据")
      .Field("header.request_id", "already used for an import with other rows");
}

}  // namespace

std::string ImportFingerprint(const std::string& bytes) { return pg::Fingerprint(bytes); }

absl::StatusOr<std::optional<RowResults>> StoredImportBatch(pg::Pool& pool, const ImportBatchKey& key,
                                                           pg::Deadline deadline) {
  std::optional<RowResults> out;
  absl::Status s = pool.Transact(
      [&](pqxx::work& tx) -> absl::Status {
        out.reset();
        if (key.ordinal == 1) tx.exec(std::string("DELETE FROM import_batches WHERE NOT (") + kLive + ")");
        auto rows = tx.exec_params(std::string("SELECT fingerprint, results FROM import_batches WHERE subject = $1 "
                                               "AND request_id = $2 AND ordinal = $3 AND ") +
                                       kLive,
                                   key.subject, key.request_id, key.ordinal);
        if (rows.empty()) return absl::OkStatus();
        if (rows[0][0].as<std::string>() != key.fingerprint) return Reused();
        gongtong::registry::v1::ImportBatchResult stored;
        if (!stored.ParseFromString(pqxx::binarystring(rows[0][1]).str())) {
          return absl::InternalError("stored import results do not parse");
        }
        out.emplace(stored.results().begin(), stored.results().end());
        return absl::OkStatus();
      },
      deadline);
  if (!s.ok()) return s;
  return out;
}

BatchHook StoreImportBatch(const ImportBatchKey& key) {
  BatchHook hook;
  hook.claim = [key](pqxx::transaction_base& tx) -> absl::Status {
    // An expired row of the same key gives way (the sweep may not have run).
    tx.exec_params(std::string("DELETE FROM import_batches WHERE subject = $1 AND request_id = $2 AND ordinal = $3 "
                               "AND NOT (") +
                       kLive + ")",
                   key.subject, key.request_id, key.ordinal);
    auto claimed = tx.exec_params(
        "INSERT INTO import_batches (subject, request_id, ordinal, fingerprint) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING",
        key.subject, key.request_id, key.ordinal, key.fingerprint);
    if (claimed.affected_rows() == 1) return absl::OkStatus();
    return ErrorBuilder(absl::StatusCode::kAborted, "IMPORT_BATCH_CONCURRENT")
        .Message("another stream with the same header.request_id imported this batch meanwhile; resend the import "
                 "to get its results")
        .Zh("另一个相同请求编号的导入刚刚处理了这批数据，请重新发送以获取结果");
  };
  hook.record = [key](pqxx::transaction_base& tx, const RowResults& results) {
    gongtong::registry::v1::ImportBatchResult stored;
    for (const auto& r : results) *stored.add_results() = r;
    const std::string bytes = stored.SerializeAsString();
    tx.exec_params("UPDATE import_batches SET results = $4 WHERE subject = $1 AND request_id = $2 AND ordinal = $3",
                   key.subject, key.request_id, key.ordinal, pqxx::binarystring(bytes.data(), bytes.size()));
  };
  return hook;
}

}  // namespace gongtong::registry
