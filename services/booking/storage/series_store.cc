#include "booking/storage/series_store.h"

#include <algorithm>
#include <functional>
#include <pqxx/binarystring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "booking/domain/session_rules.h"
#include "booking/storage/session_store.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

constexpr char kColumns[] =
    "x.body, x.version, extract(epoch from x.create_time)::bigint, "
    "extract(epoch from x.update_time)::bigint, "
    "x.id, x.host_school, x.host_region, x.host_teacher, x.community";

StoredSeries SeriesFromRow(const pqxx::row& r) {
  StoredSeries st;
  pqxx::binarystring body(r[0]);
  st.series.ParseFromArray(body.data(), static_cast<int>(body.size()));
  st.version = r[1].as<int64_t>();
  st.series.set_etag(EtagOf(st.version));
  st.series.mutable_audit()->mutable_create_time()->set_seconds(r[2].as<int64_t>());
  st.series.mutable_audit()->mutable_update_time()->set_seconds(r[3].as<int64_t>());
  st.id = r[4].as<std::string>();
  st.host_school = r[5].as<std::string>();
  st.host_region = r[6].as<std::string>();
  st.host_teacher = r[7].as<std::string>();
  st.community = r[8].as<std::string>();
  return st;
}

// The body as stored: no etag, no audit (they come from the columns).
std::string BodyOf(const bv1::SessionSeries& s) {
  bv1::SessionSeries body = s;
  body.clear_etag();
  body.clear_audit();
  return body.SerializeAsString();
}

std::string FirstDateText(const bv1::SessionSeries& s) {
  const auto& d = s.dates().start_date();
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

struct Params {
  std::vector<std::string> values;
  std::string Add(std::string v) {
    values.push_back(std::move(v));
    return absl::StrCat("$", values.size());
  }
};

absl::Status BadValue(const api::FilterTerm& t, const std::string& why) {
  return InvalidField("filter", absl::StrCat(t.field, ": ", why), absl::StrCat("筛选条件 ", t.field, " 的值无效"));
}

std::string CodeOfSchool(const std::string& v) { return absl::StartsWith(v, "schools/") ? v.substr(8) : v; }

// Runs `write` (which fills the answer) in one transaction together with
// ctx's idempotency claim and recorded answer; a retry gets the first answer.
absl::StatusOr<bv1::SessionSeries> IdempotentWrite(
    pg::Pool* pool, const pg::WriteContext& ctx,
    const std::function<absl::Status(pqxx::work&, bv1::SessionSeries&)>& write) {
  bv1::SessionSeries out;
  GT_RETURN_IF_ERROR(pool->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<bv1::SessionSeries>(tx, ctx));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_RETURN_IF_ERROR(write(tx, out));
        if (!ctx.request_id.empty()) pg::RecordResponse(tx, ctx.method, ctx.request_id, out.SerializeAsString());
        return absl::OkStatus();
      },
      ctx.deadline));
  return out;
}

}  // namespace

const std::vector<api::FilterField>& SeriesFilterFields() {
  static const std::vector<api::FilterField> kFields = {
      {"teacher", {"="}},   {"host_school", {"="}}, {"school_class", {"="}},
      {"community", {"="}}, {"state", {"="}},       {"region_code", {":"}},
  };
  return kFields;
}

absl::StatusOr<std::string> ParseSeriesName(const std::string& name, const std::string& field) {
  if (!absl::StartsWith(name, "series/") || !ValidClientId(name.substr(7))) {
    return InvalidField(field, "must be series/{series_id}", "系列名称格式不正确");
  }
  return name.substr(7);
}

std::string SeriesName(const std::string& id) { return "series/" + id; }

absl::StatusOr<std::optional<bv1::SessionSeries>> SeriesStore::PriorAnswer(const pg::WriteContext& ctx) {
  return pg::PriorAnswer<bv1::SessionSeries>(*pool_, ctx);
}

absl::StatusOr<bool> SeriesStore::Exists(const std::string& id, pg::Deadline deadline) {
  bool exists = false;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) {
        exists = !tx.exec_params("SELECT 1 FROM series WHERE id = $1", id).empty();
        return absl::OkStatus();
      },
      deadline));
  return exists;
}

absl::StatusOr<bv1::SessionSeries> SeriesStore::Insert(const StoredSeries& s, const pg::WriteContext& ctx) {
  return IdempotentWrite(pool_, ctx, [&](pqxx::work& tx, bv1::SessionSeries& out) -> absl::Status {
    const std::string body = BodyOf(s.series);
    auto rows = tx.exec_params(
        "INSERT INTO series (id, host_school, host_region, host_teacher, "
        "community, state, first_date, body) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8) ON CONFLICT (id) DO "
        "NOTHING "
        "RETURNING extract(epoch from create_time)::bigint",
        s.id, s.host_school, s.host_region, s.host_teacher, s.community, static_cast<int>(s.series.state()),
        FirstDateText(s.series), pqxx::binarystring(body.data(), body.size()));
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "SERIES_EXISTS")
          .Message("series " + s.id + " already exists")
          .Zh("系列编号 " + s.id + " 已被使用")
          .Field("series_id", "is taken");
    }
    out = s.series;
    out.set_etag(EtagOf(1));
    out.mutable_audit()->mutable_create_time()->set_seconds(rows[0][0].as<int64_t>());
    *out.mutable_audit()->mutable_update_time() = out.audit().create_time();
    return absl::OkStatus();
  });
}

absl::StatusOr<StoredSeries> SeriesStore::Get(const std::string& id, pg::Deadline deadline) {
  StoredSeries st;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params(absl::StrCat("SELECT ", kColumns, " FROM series x WHERE x.id = $1"), id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "SERIES_NOT_FOUND")
              .Message("no series " + id)
              .Zh("系列 " + SeriesName(id) + " 不存在")
              .Field("name", "does not exist");
        }
        st = SeriesFromRow(rows[0]);
        return absl::OkStatus();
      },
      deadline));
  return st;
}

absl::StatusOr<bv1::SessionSeries> SeriesStore::Update(const StoredSeries& s, int64_t expected_version,
                                                       const pg::WriteContext& ctx) {
  return IdempotentWrite(pool_, ctx, [&](pqxx::work& tx, bv1::SessionSeries& out) -> absl::Status {
    const std::string body = BodyOf(s.series);
    auto rows = tx.exec_params(
        "UPDATE series SET body = $3, state = $4, version = "
        "version + 1, update_time = now() "
        "WHERE id = $1 AND version = $2 RETURNING version, "
        "extract(epoch from create_time)::bigint, "
        "extract(epoch from update_time)::bigint",
        s.id, expected_version, pqxx::binarystring(body.data(), body.size()), static_cast<int>(s.series.state()));
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
          .Message("the series changed while it was being changed")
          .Zh("系列已被他人修改，请重新读取后再操作")
          .Field("etag", "is stale");
    }
    out = s.series;
    out.set_etag(EtagOf(rows[0][0].as<int64_t>()));
    out.mutable_audit()->mutable_create_time()->set_seconds(rows[0][1].as<int64_t>());
    out.mutable_audit()->mutable_update_time()->set_seconds(rows[0][2].as<int64_t>());
    return absl::OkStatus();
  });
}

absl::StatusOr<std::map<std::string, bv1::SessionState>> SeriesStore::OccurrenceStates(const std::string& id,
                                                                                       pg::Deadline deadline) {
  std::map<std::string, bv1::SessionState> states;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) {
        states.clear();
        for (const auto& r : tx.exec_params("SELECT id, state FROM sessions WHERE series_id = $1", SeriesName(id))) {
          states[r[0].as<std::string>()] = static_cast<bv1::SessionState>(r[1].as<int>());
        }
        return absl::OkStatus();
      },
      deadline));
  return states;
}

absl::Status SeriesStore::MarkDetached(const std::string& series_name, const std::string& session_name,
                                       pg::Deadline deadline) {
  if (!absl::StartsWith(series_name, "series/")) return absl::OkStatus();
  const std::string id = series_name.substr(std::string("series/").size());
  return pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params("SELECT body FROM series WHERE id = $1 FOR UPDATE", id);
        if (rows.empty()) return absl::OkStatus();
        pqxx::binarystring bytes(rows[0][0]);
        bv1::SessionSeries body;
        body.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
        bool marked = false;
        for (auto& o : *body.mutable_occurrences()) {
          if (o.session() != session_name || o.detached()) continue;
          o.set_detached(true);
          marked = true;
        }
        if (!marked) return absl::OkStatus();
        const std::string out = BodyOf(body);
        tx.exec_params("UPDATE series SET body = $2, version = version + 1, update_time = now() WHERE id = $1", id,
                       pqxx::binarystring(out.data(), out.size()));
        return absl::OkStatus();
      },
      deadline);
}

absl::StatusOr<SeriesPage> SeriesStore::List(const SeriesListQuery& q, pg::Deadline deadline) {
  Params p;
  std::vector<std::string> conds;
  for (const auto& t : q.filter) {
    const std::string& f = t.field;
    if (f == "teacher") {
      conds.push_back(absl::StrCat("x.host_teacher = ", p.Add(t.value)));
    } else if (f == "host_school") {
      conds.push_back(absl::StrCat("x.host_school = ", p.Add(CodeOfSchool(t.value))));
    } else if (f == "school_class") {
      conds.push_back(
          absl::StrCat("'series/' || x.id IN (SELECT s.series_id FROM "
                       "occupancy o JOIN sessions s ON s.id = o.session_id "
                       "WHERE o.resource = ",
                       p.Add(t.value), " AND s.series_id IS NOT NULL)"));
    } else if (f == "community") {
      conds.push_back(absl::StrCat("x.community = ", p.Add(t.value)));
    } else if (f == "state") {
      bv1::SeriesState st;
      if (!bv1::SeriesState_Parse(t.value, &st) || st == bv1::SERIES_STATE_UNSPECIFIED) {
        return BadValue(t, "not a SeriesState name");
      }
      conds.push_back(absl::StrCat("x.state = ", static_cast<int>(st)));
    } else if (f == "region_code") {
      if (t.value.empty() || t.value.size() > 6 || !std::all_of(t.value.begin(), t.value.end(), ::isdigit)) {
        return BadValue(t, "a region code prefix is 1-6 digits");
      }
      conds.push_back(absl::StrCat("x.host_region LIKE ", p.Add(t.value + "%")));
    }
  }
  if (!q.scope_school.empty()) {
    conds.push_back(absl::StrCat("x.host_school = ", p.Add(q.scope_school)));
  } else if (!q.scope_region.empty()) {
    conds.push_back(absl::StrCat("x.host_region LIKE ", p.Add(q.scope_region + "%")));
  }
  const std::string where = conds.empty() ? "true" : absl::StrJoin(conds, " AND ");
  const size_t base_params = p.values.size();
  // Sort keys as text that sorts like the column: epoch seconds or a date.
  const bool by_date = q.order_field == "start_date";
  const std::string key = by_date ? "x.first_date::text"
                                  : "extract(epoch from date_trunc('second', "
                                    "x.create_time))::bigint::text";
  const std::string col = by_date ? "x.first_date" : "x.create_time";
  const std::string dir = q.order_desc ? "DESC" : "ASC";
  std::string page_where = where;
  if (q.after.size() == 2) {
    const std::string typed = by_date ? absl::StrCat(p.Add(q.after[0]), "::date")
                                      : absl::StrCat("to_timestamp(", p.Add(q.after[0]), "::double precision)");
    page_where = absl::StrCat(where, " AND (", col, ", x.id) ", q.order_desc ? "<" : ">", " (", typed, ", ",
                              p.Add(q.after[1]), ")");
  }
  // create_time has sub-second precision: compare on whole seconds both sides.
  if (!by_date) {
    absl::StrReplaceAll({{"(x.create_time, x.id)", "(date_trunc('second', x.create_time), x.id)"}}, &page_where);
  }
  const std::string sql = absl::StrCat("SELECT ", kColumns, ", ", key, " FROM series x WHERE ", page_where,
                                       " ORDER BY ", by_date ? col : "date_trunc('second', x.create_time)", " ", dir,
                                       ", x.id ", dir, " LIMIT ", q.limit + 1);
  SeriesPage page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        page = SeriesPage{};
        auto rows = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(p.values));
        for (const auto& r : rows) {
          if (static_cast<int>(page.series.size()) == q.limit) {
            page.more = true;
            break;
          }
          page.series.push_back(SeriesFromRow(r));
          page.last_key = {r[9].as<std::string>(), r[4].as<std::string>()};
        }
        if (q.count_total) {
          std::vector<std::string> count_values(p.values.begin(), p.values.begin() + base_params);
          auto c = tx.exec_params1(absl::StrCat("SELECT count(*) FROM series x WHERE ", where),
                                   pqxx::prepare::make_dynamic_params(count_values));
          page.total = c[0].as<int64_t>();
        }
        return absl::OkStatus();
      },
      deadline));
  return page;
}

}  // namespace gongtong::booking
