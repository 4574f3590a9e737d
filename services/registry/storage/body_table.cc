#include "registry/storage/body_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"

namespace gongtong::registry {

std::string BodyColumns(const BodyTable& t) {
  const std::string& a = t.alias;
  return absl::StrCat(a, ".", t.id_column, ", ", a, ".body, ", a, ".version, extract(epoch from ", a,
                      ".created_at)::float8, extract(epoch from ", a, ".updated_at)::float8, extract(epoch from ", a,
                      ".deleted_at)::float8, ", a, ".display_name");
}

pqxx::result SelectBody(pqxx::transaction_base& tx, const BodyTable& t, const std::string& id, bool lock) {
  return tx.exec_params(absl::StrCat("SELECT ", BodyColumns(t), " FROM ", t.table, " ", t.alias, " WHERE ", t.alias,
                                     ".", t.id_column, " = $1", lock ? " FOR UPDATE" : ""),
                        id);
}

absl::StatusOr<BodyPageQuery> BodyPageSql(const BodyTable& t, roster::SqlBuilder b, const RosterListQuery& q) {
  const std::string& a = t.alias;
  if (!q.show_deleted) b.where.push_back(a + ".deleted_at IS NULL");
  auto where = [&] { return b.where.empty() ? std::string() : " WHERE " + absl::StrJoin(b.where, " AND "); };
  const std::string from = absl::StrCat(" FROM ", t.table, " ", a);
  BodyPageQuery out;
  if (q.count_total) {
    out.count_sql = "SELECT count(*)" + from + where();
    out.count_params = b.params;
  }
  GT_ASSIGN_OR_RETURN(const bool desc, roster::Descending(q.order));
  if (!q.after.empty()) {
    if (q.after.size() != 2) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    b.where.push_back(absl::StrCat("(", a, ".display_name, ", a, ".", t.id_column, ") ", desc ? "<" : ">", " (",
                                   b.Param(q.after[0]), ", ", b.Param(q.after[1]), ")"));
  }
  const char* dir = desc ? " DESC" : " ASC";
  out.sql = absl::StrCat("SELECT ", BodyColumns(t), from, where(), " ORDER BY ", a, ".display_name", dir, ", ", a, ".",
                         t.id_column, dir, " LIMIT ", q.limit + 1);
  out.params = std::move(b.params);
  return out;
}

}  // namespace gongtong::registry
