#include "booking/storage/pairing_sessions.h"

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/error.h"

namespace gongtong::booking {

absl::StatusOr<std::vector<std::pair<std::string, v1::Session>>> SessionsOfPairings(
    pg::Pool* pool, const std::vector<std::string>& pairings, int year, pg::Deadline deadline) {
  std::vector<std::pair<std::string, v1::Session>> out;
  if (pairings.empty()) return out;
  std::string array = "{";
  for (size_t i = 0; i < pairings.size(); ++i) absl::StrAppend(&array, i ? "," : "", "\"", pairings[i], "\"");
  array += "}";
  GT_RETURN_IF_ERROR(pool->Transact(
      [&](pqxx::work& tx) {
        out.clear();
        auto rows = tx.exec_params(
            "SELECT DISTINCT ON (o.pairing, s.id) o.pairing, s.body FROM occupancy o "
            "JOIN sessions s ON s.id = o.session_id "
            "WHERE o.pairing = ANY($1::text[]) AND o.local_date BETWEEN $2::date AND $3::date "
            "ORDER BY o.pairing, s.id",
            array, absl::StrFormat("%04d-09-01", year), absl::StrFormat("%04d-08-31", year + 1));
        for (const auto& r : rows) {
          pqxx::binarystring body(r[1]);
          v1::Session s;
          s.ParseFromArray(body.data(), static_cast<int>(body.size()));
          out.emplace_back(r[0].as<std::string>(), std::move(s));
        }
        return absl::OkStatus();
      },
      deadline));
  return out;
}

}  // namespace gongtong::booking
