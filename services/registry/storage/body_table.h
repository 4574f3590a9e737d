#pragma once
// The read half shared by tables that keep a resource as its serialized
// body beside a text id, a version, timestamps and display_name, listed by
// display_name then id (party_joint_buildings, secretary_studios). Internal
// to storage/.

#include <functional>
#include <string>
#include <string_view>

#include <pqxx/binarystring>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "common/status/error.h"
#include "registry/storage/page_fetch.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/roster_table.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry {

struct BodyTable {
  std::string table;      // e.g. "secretary_studios"
  std::string alias;      // e.g. "s"; the filter's SQL uses it
  std::string id_column;  // e.g. "studio_id"
  std::function<std::string(std::string_view id)> name_of;  // id → resource name
};

// Row layout: id, body, version, created/updated/deleted epochs, display_name.
std::string BodyColumns(const BodyTable& t);
// The row of `id` (none when absent), locked FOR UPDATE when asked.
pqxx::result SelectBody(pqxx::transaction_base& tx, const BodyTable& t, const std::string& id, bool lock);

// The message of a row: its body, its name, etag (the version) and audit.
template <typename M>
M BodyFromRow(const BodyTable& t, const pqxx::row& row) {
  M m;
  pqxx::binarystring body(row[1]);
  m.ParseFromString(body.str());
  m.set_name(t.name_of(row[0].as<std::string>()));
  m.set_etag(row[2].as<std::string>());
  FillAudit(m.mutable_audit(), row, 3);
  return m;
}

// The SQL and paging of one page: `b` holds the filter's conditions; the
// page is ordered by display_name then id (q.order: display_name [desc]).
struct BodyPageQuery {
  std::string sql;
  std::vector<std::string> params;
  std::string count_sql;
  std::vector<std::string> count_params;
};
absl::StatusOr<BodyPageQuery> BodyPageSql(const BodyTable& t, roster::SqlBuilder b, const RosterListQuery& q);

// One page of `t` (deleted rows only with q.show_deleted).
template <typename M>
absl::StatusOr<RosterPage<M>> ListBodies(pg::Pool& pool, const BodyTable& t, roster::SqlBuilder b,
                                         const RosterListQuery& q, pg::Deadline deadline) {
  GT_ASSIGN_OR_RETURN(BodyPageQuery page_sql, BodyPageSql(t, std::move(b), q));
  RosterPage<M> page;
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(
                          pool, page_sql.sql, page_sql.params, q.limit, page_sql.count_sql,
                          page_sql.count_params,
                          [&](const pqxx::row& row) {
                            page.items.push_back(BodyFromRow<M>(t, row));
                            page.last_key = {row[6].as<std::string>(), row[0].as<std::string>()};
                          },
                          deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  return page;
}

}  // namespace gongtong::registry
