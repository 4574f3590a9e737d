// SessionStore::List: the filters of ListSessionsRequest as SQL over
// `sessions`, reaching per-resource listings (a teacher's or class's week)
// through the occupancy index (resource, local_date) so they stay fast with a
// province-year of sessions.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "booking/storage/session_store.h"
#include "common/status/error.h"
#include "gongtong/common/v1/education.pb.h"

namespace gongtong::booking {
namespace {

// Builds "$n" placeholders while collecting their values.
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

// Occupancy rows of a resource or school, narrowed to the filter's dates.
std::string OccupancyIn(const std::string& cond, const std::string& date_cond) {
  return absl::StrCat("s.id IN (SELECT o.session_id FROM occupancy o WHERE ", cond, date_cond, ")");
}

}  // namespace

const std::vector<api::FilterField>& SessionFilterFields() {
  static const std::vector<api::FilterField> kFields = {
      {"teacher", {"="}},        {"classroom", {"="}},      {"school_class", {"="}},  {"school", {"="}},
      {"host_school", {"="}},    {"receiving_school", {"="}}, {"community", {"="}},   {"pairing", {"="}},
      {"series", {"="}},         {"state", {"=", "!="}},    {"mode", {"="}},          {"subject", {"="}},
      {"date", {"=", ">=", "<="}}, {"region_code", {":"}},  {"short_notice", {"="}},  {"flagged", {"="}},
  };
  return kFields;
}

absl::StatusOr<SessionPage> SessionStore::List(const SessionListQuery& q, pg::Deadline deadline) {
  Params p;
  std::vector<std::string> conds;
  // Dates first: they also narrow the occupancy look-ups.
  std::string occ_dates;
  for (const auto& t : q.filter) {
    if (t.field != "date") continue;
    int y, m, d;
    if (sscanf(t.value.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || t.value.size() != 10) {
      return BadValue(t, "dates are YYYY-MM-DD");
    }
    const std::string ph = p.Add(t.value);
    conds.push_back(absl::StrCat("s.local_date ", t.op, " ", ph, "::date"));
    absl::StrAppend(&occ_dates, " AND o.local_date ", t.op, " ", ph, "::date");
  }
  for (const auto& t : q.filter) {
    const std::string& f = t.field;
    if (f == "date") continue;
    if (f == "teacher") {
      conds.push_back(OccupancyIn(absl::StrCat("o.resource = ", p.Add(t.value), " AND o.role = 1"), occ_dates));
    } else if (f == "classroom") {
      conds.push_back(OccupancyIn(absl::StrCat("o.resource = ", p.Add(t.value), " AND o.role = 2"), occ_dates));
    } else if (f == "school_class") {
      conds.push_back(OccupancyIn(absl::StrCat("o.resource = ", p.Add(t.value)), occ_dates));
    } else if (f == "school") {
      const std::string ph = p.Add(CodeOfSchool(t.value));
      conds.push_back(absl::StrCat("(s.host_school = ", ph, " OR ",
                                   OccupancyIn(absl::StrCat("o.school = ", ph, " AND o.role = 4"), occ_dates), ")"));
    } else if (f == "host_school") {
      conds.push_back(absl::StrCat("s.host_school = ", p.Add(CodeOfSchool(t.value))));
    } else if (f == "receiving_school") {
      conds.push_back(
          OccupancyIn(absl::StrCat("o.school = ", p.Add(CodeOfSchool(t.value)), " AND o.role = 4"), occ_dates));
    } else if (f == "community") {
      conds.push_back(absl::StrCat("s.community = ", p.Add(t.value)));
    } else if (f == "pairing") {
      conds.push_back(OccupancyIn(absl::StrCat("o.pairing = ", p.Add(t.value)), ""));
    } else if (f == "series") {
      conds.push_back(absl::StrCat("s.series_id = ", p.Add(t.value)));
    } else if (f == "state") {
      bv1::SessionState st;
      if (!bv1::SessionState_Parse(t.value, &st) || st == bv1::SESSION_STATE_UNSPECIFIED) {
        return BadValue(t, "not a SessionState name");
      }
      conds.push_back(absl::StrCat("s.state ", t.op == "=" ? "=" : "<>", " ", static_cast<int>(st)));
    } else if (f == "mode") {
      bv1::SessionMode mode;
      if (!bv1::SessionMode_Parse(t.value, &mode) || mode == bv1::SESSION_MODE_UNSPECIFIED) {
        return BadValue(t, "not a SessionMode name");
      }
      conds.push_back(absl::StrCat("s.mode = ", static_cast<int>(mode)));
    } else if (f == "subject") {
      gongtong::common::v1::SubjectCode code;
      if (!gongtong::common::v1::SubjectCode_Parse(t.value, &code)) return BadValue(t, "not a SubjectCode name");
      conds.push_back(absl::StrCat("s.subject = ", p.Add(t.value)));
    } else if (f == "region_code") {
      if (t.value.empty() || t.value.size() > 6 || !std::all_of(t.value.begin(), t.value.end(), ::isdigit)) {
        return BadValue(t, "a region code prefix is 1-6 digits");
      }
      conds.push_back(absl::StrCat("s.host_region LIKE ", p.Add(t.value + "%")));
    } else if (f == "short_notice" || f == "flagged") {
      if (t.value != "true" && t.value != "false") return BadValue(t, "true or false");
      conds.push_back(absl::StrCat("s.", f, " = ", t.value));
    }
  }
  // The caller's scope.
  if (!q.scope_teacher.empty()) {
    conds.push_back(OccupancyIn(absl::StrCat("o.resource = ", p.Add(q.scope_teacher), " AND o.role = 1"), occ_dates));
  } else if (!q.scope_school.empty()) {
    const std::string ph = p.Add(q.scope_school);
    conds.push_back(absl::StrCat("(s.host_school = ", ph, " OR ",
                                 OccupancyIn(absl::StrCat("o.school = ", ph, " AND o.role = 4"), occ_dates), ")"));
  } else if (!q.scope_region.empty()) {
    const std::string ph = p.Add(q.scope_region + "%");
    conds.push_back(absl::StrCat("(s.host_region LIKE ", ph, " OR ",
                                 OccupancyIn(absl::StrCat("o.region LIKE ", ph, " AND o.role = 4"), occ_dates), ")"));
  }
  const std::string where = conds.empty() ? "true" : absl::StrJoin(conds, " AND ");
  const std::string key = q.order_field == "update_time" ? "s.update_time" : "lower(s.during)";
  const std::string dir = q.order_desc ? "DESC" : "ASC";
  std::string page_where = where;
  if (q.after.size() == 2) {
    page_where = absl::StrCat(where, " AND (", key, ", s.id) ", q.order_desc ? "<" : ">", " (to_timestamp(",
                              p.Add(q.after[0]), "::double precision), ", p.Add(q.after[1]), ")");
  }
  // The first page counts the total in the same statement (a window count
  // over every matching row, taken before LIMIT).
  const std::string sql = absl::StrCat(
      "SELECT s.body, s.version, extract(epoch from s.create_time)::bigint, extract(epoch from s.update_time)::bigint, "
      "extract(epoch from ", key, "), s.id, ", q.count_total ? "count(*) OVER ()" : "-1", " FROM sessions s WHERE ",
      page_where, " ORDER BY ", key, " ", dir, ", s.id ", dir, " LIMIT ", q.limit + 1);
  // Listings repeat a few shapes of SQL: each is prepared once per connection.
  const std::string statement = absl::StrCat("booking_list_", std::hash<std::string>{}(sql));
  SessionPage page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        page = SessionPage{};
        tx.conn().prepare(statement, sql);
        auto rows = tx.exec_prepared(statement, pqxx::prepare::make_dynamic_params(p.values));
        if (q.count_total) page.total = rows.empty() ? 0 : rows[0][6].as<int64_t>();
        for (const auto& r : rows) {
          if (static_cast<int>(page.sessions.size()) == q.limit) {
            page.more = true;
            break;
          }
          bv1::Session s;
          pqxx::binarystring body(r[0]);
          s.ParseFromArray(body.data(), static_cast<int>(body.size()));
          s.set_etag(EtagOf(r[1].as<int64_t>()));
          s.mutable_audit()->mutable_create_time()->set_seconds(r[2].as<int64_t>());
          s.mutable_audit()->mutable_update_time()->set_seconds(r[3].as<int64_t>());
          page.last_key = {r[4].as<std::string>(), r[5].as<std::string>()};
          page.sessions.push_back(std::move(s));
        }
        return absl::OkStatus();
      },
      deadline));
  return page;
}

}  // namespace gongtong::booking
