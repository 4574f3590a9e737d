#include "registry/storage/page_fetch.h"

namespace gongtong::registry {

absl::StatusOr<FetchedPage> FetchPage(pg::Pool& pool, const std::string& sql,
                                      const std::vector<std::string>& params, int limit,
                                      const std::string& count_sql, const std::vector<std::string>& count_params,
                                      const std::function<void(const pqxx::row&)>& take, pg::Deadline deadline) {
  pqxx::result rows;
  FetchedPage page;
  absl::Status s = pool.Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    rows = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    if (!count_sql.empty()) {
      page.total = tx.exec_params1(count_sql, pqxx::prepare::make_dynamic_params(count_params))[0].as<int64_t>();
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  int taken = 0;
  for (const auto& row : rows) {  // a result outlives its transaction
    if (taken == limit) {
      page.more = true;
      break;
    }
    take(row);
    ++taken;
  }
  return page;
}

}  // namespace gongtong::registry
