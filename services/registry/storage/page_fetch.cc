#include "registry/storage/page_fetch.h"

#include "absl/strings/str_cat.h"

namespace gongtong::registry {
namespace {

// Listings repeat a few shapes of SQL: each is prepared (planned) once per
// connection and executed by name afterwards.
pqxx::result ExecPrepared(pqxx::transaction_base& tx, const std::string& sql, const std::vector<std::string>& params) {
  const std::string name = absl::StrCat("registry_page_", std::hash<std::string>{}(sql));
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
}

}  // namespace

absl::StatusOr<FetchedPage> FetchPage(pg::Pool& pool, const std::string& sql,
                                      const std::vector<std::string>& params, int limit,
                                      const std::string& count_sql, const std::vector<std::string>& count_params,
                                      const std::function<void(const pqxx::row&)>& take, pg::Deadline deadline) {
  pqxx::result rows;
  FetchedPage page;
  absl::Status s = pool.Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    rows = ExecPrepared(tx, sql, params);
    if (!count_sql.empty()) page.total = ExecPrepared(tx, count_sql, count_params)[0][0].as<int64_t>();
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
