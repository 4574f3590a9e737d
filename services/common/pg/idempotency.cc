#include "common/pg/idempotency.h"

#include "absl/strings/str_format.h"
#include "common/status/error.h"

namespace gongtong::pg {

std::string Fingerprint(const std::string& bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return absl::StrFormat("%016x:%d", h, bytes.size());
}

absl::StatusOr<std::optional<std::string>> ClaimRequest(pqxx::transaction_base& tx, const std::string& method,
                                                        const std::string& request_id,
                                                        const std::string& fingerprint) {
  if (request_id.empty()) return std::optional<std::string>();
  if (request_id.size() > 128) {
    return InvalidField("request_id", "must be at most 128 characters", "请求编号不能超过128个字符");
  }
  auto claimed = tx.exec_params(
      "INSERT INTO idempotency_keys (method, request_id, fingerprint) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      method, request_id, fingerprint);
  if (claimed.affected_rows() == 1) return std::optional<std::string>();
  auto row = tx.exec_params1(
      "SELECT fingerprint, response FROM idempotency_keys WHERE method = $1 AND request_id = $2",
      method, request_id);
  if (row[0].as<std::string>() != fingerprint) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED")
        .Message("request_id was already used for a different request")
        .Zh("请求编号已被另一个不同的请求使用")
        .Field("request_id", "already used for a different request");
  }
  pqxx::binarystring response(row[1]);
  return std::optional<std::string>(response.str());
}

void RecordResponse(pqxx::transaction_base& tx, const std::string& method, const std::string& request_id,
                    const std::string& response) {
  if (request_id.empty()) return;
  tx.exec_params("UPDATE idempotency_keys SET response = $3 WHERE method = $1 AND request_id = $2",
                 method, request_id, pqxx::binarystring(response.data(), response.size()));
}

}  // namespace gongtong::pg
