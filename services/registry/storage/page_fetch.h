#pragma once
// The read half of every keyset-paged listing: one transaction that runs the
// page query and, when asked, the count, so page and total agree.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"

namespace gongtong::registry {

struct FetchedPage {
  bool more = false;    // the query had a row beyond `limit`
  int64_t total = -1;   // every match, when a count query was given
};

// `sql` must ask for `limit` + 1 rows. At most `limit` of them are handed to
// `take`, in order, after the read succeeded (a retried transaction never
// hands a row twice). A non-empty `count_sql` is run with `count_params`.
absl::StatusOr<FetchedPage> FetchPage(pg::Pool& pool, const std::string& sql,
                                      const std::vector<std::string>& params, int limit,
                                      const std::string& count_sql, const std::vector<std::string>& count_params,
                                      const std::function<void(const pqxx::row&)>& take, pg::Deadline deadline);

}  // namespace gongtong::registry
