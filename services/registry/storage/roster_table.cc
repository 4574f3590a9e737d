#include "registry/storage/roster_table.h"

#include <pqxx/binarystring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"
#include "registry/domain/school_rules.h"
#include "registry/storage/page_fetch.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry::roster {
namespace {

std::vector<std::string> Qualified(const std::vector<std::string>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back("x." + c);
  return out;
}

// "x.k1 = $1 AND x.k2 = $2", parameters from `first`.
std::string KeyMatch(const TableSpec& t, int first) {
  std::vector<std::string> terms;
  for (size_t i = 0; i < t.key.size(); ++i) terms.push_back(absl::StrCat("x.", t.key[i], " = $", first + i));
  return absl::StrJoin(terms, " AND ");
}

std::string Where(const std::vector<std::string>& where) {
  return where.empty() ? "" : " WHERE " + absl::StrJoin(where, " AND ");
}

}  // namespace

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

std::string CodeOf(const std::string& school_name) {
  auto code = ParseSchoolName(school_name, "");
  return code.ok() ? *code : "";
}

void Decode(const TableSpec& t, const pqxx::row& row, google::protobuf::Message* m) {
  const int at = BodyAt(t);
  pqxx::binarystring body(row[at]);
  m->ParseFromString(body.str());
  const auto* d = m->GetDescriptor();
  m->GetReflection()->SetString(m, d->FindFieldByName("etag"), row[at + 1].as<std::string>());
  auto* audit =
      static_cast<gongtong::common::v1::AuditInfo*>(m->GetReflection()->MutableMessage(m, d->FindFieldByName("audit")));
  FillAudit(audit, row, at + 2);
}

std::string Select(const TableSpec& t, const std::string& extra) {
  return absl::StrCat("SELECT ", absl::StrJoin(Qualified(t.key), ", "),
                      ", x.body, x.version, extract(epoch from x.created_at)::float8, "
                      "extract(epoch from x.updated_at)::float8, extract(epoch from x.deleted_at)::float8, "
                      "s.region_code, s.deleted_at IS NOT NULL",
                      extra.empty() ? "" : ", " + extra, " FROM ", t.table,
                      " x JOIN schools s ON s.school_code = x.school_code");
}

pqxx::result ByKey(pqxx::transaction_base& tx, const TableSpec& t, const std::vector<std::string>& keys, bool lock) {
  return tx.exec_params(absl::StrCat(Select(t), " WHERE ", KeyMatch(t, 1), lock ? " FOR UPDATE OF x" : ""),
                        pqxx::prepare::make_dynamic_params(keys));
}

bool Insert(pqxx::transaction_base& tx, const TableSpec& t, const std::vector<std::string>& keys,
            const std::vector<Column>& columns, const std::string& body) {
  std::vector<std::string> names = t.key, values;
  std::vector<std::string> params = keys;
  for (size_t i = 1; i <= keys.size(); ++i) values.push_back(absl::StrCat("$", i));
  for (const auto& c : columns) {
    names.push_back(c.name);
    params.push_back(c.value);
    values.push_back(absl::StrCat("$", params.size(), c.cast));
  }
  names.push_back("body");
  values.push_back(absl::StrCat("$", params.size() + 1));
  auto result =
      tx.exec_params(absl::StrCat("INSERT INTO ", t.table, " (", absl::StrJoin(names, ", "), ") VALUES (",
                                  absl::StrJoin(values, ", "), ") ON CONFLICT DO NOTHING"),
                     pqxx::prepare::make_dynamic_params(params), pqxx::binarystring(body.data(), body.size()));
  return result.affected_rows() == 1;
}

void Update(pqxx::transaction_base& tx, const TableSpec& t, const std::vector<std::string>& keys,
            const std::vector<Column>& columns, const std::string& body, bool deleted) {
  std::vector<std::string> params = keys, sets;
  for (const auto& c : columns) {
    params.push_back(c.value);
    sets.push_back(absl::StrCat(c.name, " = $", params.size(), c.cast));
  }
  const size_t body_at = params.size() + 1;
  absl::StrAppend(&sets.emplace_back(), "body = $", body_at);
  sets.push_back("version = x.version + 1");
  sets.push_back("updated_at = now()");
  sets.push_back(
      absl::StrCat("deleted_at = CASE WHEN $", body_at + 1, " THEN coalesce(x.deleted_at, now()) ELSE NULL END"));
  tx.exec_params(absl::StrCat("UPDATE ", t.table, " x SET ", absl::StrJoin(sets, ", "), " WHERE ", KeyMatch(t, 1)),
                 pqxx::prepare::make_dynamic_params(params), pqxx::binarystring(body.data(), body.size()), deleted);
}

std::string TuplesIn(const std::vector<std::string>& exprs, const std::vector<std::string>& casts,
                     const std::vector<std::vector<std::string>>& tuples, std::vector<std::string>* params) {
  if (tuples.empty()) return "false";
  // One array parameter per column, unnested side by side: the planner joins
  // them against the index instead of testing every row against every tuple.
  std::vector<std::string> arrays;
  for (size_t i = 0; i < exprs.size(); ++i) {
    std::vector<std::string> elements;
    for (const auto& tuple : tuples) {
      std::string quoted = "\"";
      for (char ch : tuple[i]) {
        if (ch == '"' || ch == '\\') quoted += '\\';
        quoted += ch;
      }
      elements.push_back(quoted + "\"");
    }
    params->push_back("{" + absl::StrJoin(elements, ",") + "}");
    arrays.push_back(absl::StrCat("$", params->size(), casts[i].empty() ? "::text" : casts[i], "[]"));
  }
  return absl::StrCat("(", absl::StrJoin(exprs, ", "), ") IN (SELECT * FROM unnest(", absl::StrJoin(arrays, ", "),
                      "))");
}

std::map<std::string, SchoolState> LockSchools(pqxx::transaction_base& tx, const std::set<std::string>& codes) {
  std::vector<std::vector<std::string>> tuples;
  for (const auto& c : codes) tuples.push_back({c});
  std::vector<std::string> params;
  const std::string sql =
      absl::StrCat("SELECT school_code, region_code, deleted_at IS NOT NULL, school_type_code FROM schools WHERE ",
                   TuplesIn({"school_code"}, {""}, tuples, &params), " ORDER BY school_code FOR SHARE");
  std::map<std::string, SchoolState> out;
  for (const auto& row : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
    SchoolState& state = out[row[0].as<std::string>()];
    state.exists = true;
    state.region = row[1].as<std::string>();
    state.deleted = row[2].as<bool>();
    state.stages = StagesOfType(row[3].as<std::string>());
  }
  return out;
}

SchoolState LockSchool(pqxx::transaction_base& tx, const std::string& code) {
  auto schools = LockSchools(tx, {code});
  return schools.empty() ? SchoolState() : schools.begin()->second;
}

std::string SqlBuilder::Param(std::string v) {
  params.push_back(std::move(v));
  return absl::StrCat("$", params.size());
}

absl::StatusOr<bool> Descending(const std::vector<api::OrderField>& order) {
  const bool desc = !order.empty() && order.front().descending;
  for (const auto& o : order) {
    if (o.descending != desc) {
      return InvalidField("order_by", "all sort fields must have the same direction", "排序字段的方向须一致");
    }
  }
  return desc;
}

std::string LikePrefix(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

absl::StatusOr<ListedPage> List(pg::Pool& pool, const TableSpec& t, SqlBuilder b, const std::vector<SortColumn>& sort,
                                const ListSpec& spec, const std::function<void(const pqxx::row&)>& take,
                                pg::Deadline deadline) {
  const std::string from = absl::StrCat(" FROM ", t.table, " x JOIN schools s ON s.school_code = x.school_code");
  const std::string count_sql = spec.count_total ? "SELECT count(*)" + from + Where(b.where) : "";
  const std::vector<std::string> count_params = b.params;
  std::vector<std::string> exprs, texts, order;
  for (const auto& c : sort) {
    exprs.push_back(c.expr);
    texts.push_back(c.expr + "::text");
    order.push_back(c.expr + (spec.descending ? " DESC" : " ASC"));
  }
  if (!spec.after.empty()) {
    if (spec.after.size() != sort.size()) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    std::vector<std::string> refs;
    for (size_t i = 0; i < sort.size(); ++i) refs.push_back(b.Param(spec.after[i]) + sort[i].cast);
    b.where.push_back(absl::StrCat("(", absl::StrJoin(exprs, ", "), ") ", spec.descending ? "<" : ">", " (",
                                   absl::StrJoin(refs, ", "), ")"));
  }
  const std::string sql = absl::StrCat(Select(t, absl::StrJoin(texts, ", ")), Where(b.where), " ORDER BY ",
                                       absl::StrJoin(order, ", "), " LIMIT ", spec.limit + 1);
  ListedPage page;
  const int extra = ExtraAt(t);
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(
                          pool, sql, b.params, spec.limit, count_sql, count_params,
                          [&](const pqxx::row& row) {
                            take(row);
                            page.last_key.clear();
                            for (size_t i = 0; i < sort.size(); ++i) {
                              page.last_key.push_back(row[extra + static_cast<int>(i)].as<std::string>());
                            }
                          },
                          deadline));
  page.more = fetched.more;
  page.total = fetched.total;
  return page;
}

absl::Status NotFound(const char* reason, const std::string& name, const std::string& zh_what) {
  return ErrorBuilder(absl::StatusCode::kNotFound, reason)
      .Message("no " + name)
      .Zh(zh_what + "不存在：" + name)
      .Meta("name", name);
}

absl::Status Stale(const std::string& expected, const std::string& now) {
  return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
      .Message("the resource changed since it was read (etag " + expected + ", now " + now + ")")
      .Zh("数据已被他人修改，请刷新后重试")
      .Field("etag", "stale");
}

int64_t VersionOf(const std::string& etag) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(etag, &v);
  return v;
}

}  // namespace gongtong::registry::roster
