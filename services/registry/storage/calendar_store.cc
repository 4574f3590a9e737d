#include "registry/storage/calendar_store.h"
#include "registry/storage/page_fetch.h"
#include "registry/storage/row_codec.h"

#include <optional>

#include <pqxx/binarystring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/pg/idempotency.h"
#include "common/status/error.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "registry/domain/calendar_rules.h"
#include "registry/storage/change_log.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using v1::Change;
using v1::ChangeKind;

constexpr char kCalendarColumns[] =
    "region_code, school_year, body, version, extract(epoch from created_at)::float8, "
    "extract(epoch from updated_at)::float8, extract(epoch from deleted_at)::float8";

// Qualified with b. so lists can join schools (s).
constexpr char kBellColumns[] =
    "b.school_code, b.schedule_id, b.body, b.version, extract(epoch from b.created_at)::float8, "
    "extract(epoch from b.updated_at)::float8, extract(epoch from b.deleted_at)::float8, b.display_name";

SchoolCalendar CalendarFromRow(const pqxx::row& row) {
  SchoolCalendar c;
  pqxx::binarystring body(row[2]);
  c.ParseFromString(body.str());
  const std::string region = row[0].as<std::string>();
  const int year = row[1].as<int>();
  c.set_name(CalendarName(region, year));
  c.set_region_code(region);
  c.set_school_year(year);
  c.set_etag(row[3].as<std::string>());
  FillAudit(c.mutable_audit(), row, 4);
  return c;
}

BellSchedule BellFromRow(const pqxx::row& row) {
  BellSchedule b;
  pqxx::binarystring body(row[2]);
  b.ParseFromString(body.str());
  const std::string code = row[0].as<std::string>();
  b.set_name(BellScheduleName(code, row[1].as<std::string>()));
  b.set_school(SchoolName(code));
  b.set_etag(row[3].as<std::string>());
  FillAudit(b.mutable_audit(), row, 4);
  return b;
}

std::string CalendarBody(SchoolCalendar c) {
  c.clear_region_code();
  c.clear_school_year();
  return StoredBody(std::move(c));
}

std::string BellBody(BellSchedule b) {
  b.clear_school();
  return StoredBody(std::move(b));
}

int AnnualMd(const google::type::Date& d) { return d.month() * 100 + d.day(); }

// Columns of a bell schedule derived from its message.
struct BellColumns {
  int start_md = 0, end_md = 0;
  std::string effective_start, effective_end;  // "" = NULL
};
BellColumns ColumnsOf(const BellSchedule& b) {
  BellColumns c;
  if (b.season() != v1::BELL_SCHEDULE_SEASON_ALL_YEAR) {
    c.start_md = AnnualMd(b.annual_start());
    c.end_md = AnnualMd(b.annual_end());
  }
  c.effective_start = FormatDate(ToCivil(b.effective().start_date()));
  if (b.effective().has_end_date() && IsFullDate(b.effective().end_date())) {
    c.effective_end = FormatDate(ToCivil(b.effective().end_date()));
  }
  return c;
}

std::string LikeEscape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

absl::Status EtagMismatch(const std::string& what_zh, const std::string& expected, const std::string& now) {
  return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
      .Message("the resource changed since it was read (etag " + expected + ", now " + now + ")")
      .Zh(what_zh + "已被他人修改，请刷新后重试")
      .Field("etag", "stale");
}

int64_t VersionOf(const std::string& etag) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(etag, &v);
  return v;
}

// Sort keys: the requested fields, then the unique key's missing parts.
std::vector<std::string> SortKeys(const std::vector<api::OrderField>& order, const std::vector<std::string>& unique) {
  std::vector<std::string> keys;
  for (const auto& o : order) keys.push_back(o.field);
  for (const auto& u : unique) {
    if (std::find(keys.begin(), keys.end(), u) == keys.end()) keys.push_back(u);
  }
  return keys;
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

// ---- change feed ----

void RecordCalendarChange(pqxx::transaction_base& tx, ChangeKind kind, const SchoolCalendar& c,
                          const std::vector<std::string>& paths, const WriteContext& ctx) {
  Change change;
  change.set_kind(kind);
  change.set_resource_type(v1::RESOURCE_TYPE_SCHOOL_CALENDAR);
  change.set_name(c.name());
  change.mutable_natural_key()->set_region_code(c.region_code());
  change.mutable_natural_key()->set_school_year(c.school_year());
  for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
  *change.mutable_actor() = ctx.actor;
  const int64_t version = VersionOf(c.etag());
  change.set_version(version);
  if (kind == v1::CHANGE_KIND_DELETED) {
    gongtong::events::v1::SchoolCalendarDeleted deleted;
    deleted.set_name(c.name());
    *deleted.mutable_natural_key() = change.natural_key();
    *deleted.mutable_delete_time() = c.audit().delete_time();
    *deleted.mutable_actor() = ctx.actor;
    RecordChange(tx, change, c.region_code(), "", deleted, version, ctx.correlation_id);
  } else {
    *change.mutable_school_calendar() = c;
    gongtong::events::v1::SchoolCalendarChanged changed;
    *changed.mutable_school_calendar() = c;
    changed.set_change_kind(kind);
    *changed.mutable_changed_fields() = change.changed_fields();
    *changed.mutable_natural_key() = change.natural_key();
    *changed.mutable_actor() = ctx.actor;
    RecordChange(tx, change, c.region_code(), "", changed, version, ctx.correlation_id);
  }
}

void RecordBellChange(pqxx::transaction_base& tx, ChangeKind kind, const std::string& school_code, const std::string& id,
                      const std::string& school_region, const BellSchedule& b, const std::vector<std::string>& paths,
                      const WriteContext& ctx) {
  Change change;
  change.set_kind(kind);
  change.set_resource_type(v1::RESOURCE_TYPE_BELL_SCHEDULE);
  change.set_name(b.name());
  change.mutable_natural_key()->set_school_code(school_code);
  change.mutable_natural_key()->set_resource_id(id);
  for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
  *change.mutable_actor() = ctx.actor;
  const int64_t version = VersionOf(b.etag());
  change.set_version(version);
  if (kind == v1::CHANGE_KIND_DELETED) {
    gongtong::events::v1::BellScheduleDeleted deleted;
    deleted.set_name(b.name());
    *deleted.mutable_natural_key() = change.natural_key();
    *deleted.mutable_delete_time() = b.audit().delete_time();
    *deleted.mutable_actor() = ctx.actor;
    RecordChange(tx, change, school_region, school_code, deleted, version, ctx.correlation_id);
  } else {
    *change.mutable_bell_schedule() = b;
    gongtong::events::v1::BellScheduleChanged changed;
    *changed.mutable_bell_schedule() = b;
    changed.set_change_kind(kind);
    *changed.mutable_changed_fields() = change.changed_fields();
    *changed.mutable_natural_key() = change.natural_key();
    *changed.mutable_actor() = ctx.actor;
    RecordChange(tx, change, school_region, school_code, changed, version, ctx.correlation_id);
  }
}

// ---- bell schedule write guards ----

struct SchoolState {
  std::string region;
  bool deleted = false;
};

// Locks the school row against deletion (FOR SHARE) and serialises the
// writers of its bell schedules, so the season check sees every live one.
absl::StatusOr<SchoolState> LockSchool(pqxx::transaction_base& tx, const std::string& code) {
  auto rows = tx.exec_params(
      "SELECT region_code, deleted_at IS NOT NULL FROM schools WHERE school_code = $1 FOR SHARE", code);
  if (rows.empty()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
        .Message("no school schools/" + code)
        .Zh("学校不存在：" + code)
        .Meta("name", SchoolName(code));
  }
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('gongtong.registry.bell_schedules:' || $1))", code);
  return SchoolState{rows[0][0].as<std::string>(), rows[0][1].as<bool>()};
}

absl::Status SchoolDeleted(const std::string& code, const std::string& field) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_DELETED")
      .Message("schools/" + code + " is deleted; undelete it first")
      .Zh("该学校已删除，不能设置作息时间")
      .Field(field, "the school is deleted");
}

std::vector<BellSchedule> OtherLiveSchedules(pqxx::transaction_base& tx, const std::string& code, const std::string& id) {
  std::vector<BellSchedule> out;
  auto rows = tx.exec_params(absl::StrCat("SELECT ", kBellColumns,
                                          " FROM bell_schedules b WHERE b.school_code = $1 AND b.schedule_id <> $2 "
                                          "AND b.deleted_at IS NULL ORDER BY b.schedule_id"),
                             code, id);
  for (const auto& row : rows) out.push_back(BellFromRow(row));
  return out;
}

}  // namespace

const std::vector<api::FilterField>& CalendarFilterFields() {
  static const auto* kFields =
      new std::vector<api::FilterField>{{"school_year", {"=", ">=", "<="}}, {"region_code", {"=", ":"}}};
  return *kFields;
}

const std::vector<std::string>& CalendarOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"school_year", "region_code"};
  return *kFields;
}

const std::vector<api::FilterField>& BellScheduleFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"season", {"="}}, {"effective_on", {"="}}, {"region_code", {":"}}};
  return *kFields;
}

const std::vector<std::string>& BellScheduleOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name"};
  return *kFields;
}

// ---- calendars ------------------------------------------------------------

absl::StatusOr<SchoolCalendar> CalendarStore::GetCalendar(const std::string& region, int year,
                                                          pg::Deadline deadline) {
  SchoolCalendar out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kCalendarColumns, " FROM school_calendars WHERE region_code = $1 AND school_year = $2"),
        region, year);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "CALENDAR_NOT_FOUND")
          .Message("no calendar " + CalendarName(region, year))
          .Zh(absl::StrCat("校历不存在：", region, " ", year, "学年"))
          .Meta("name", CalendarName(region, year));
    }
    out = CalendarFromRow(rows[0]);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<CalendarPage> CalendarStore::ListCalendars(const CalendarListQuery& q, pg::Deadline deadline) {
  std::vector<std::string> where, params;
  auto param = [&](std::string v) {
    params.push_back(std::move(v));
    return absl::StrCat("$", params.size());
  };
  for (const auto& t : q.filter) {
    if (t.field == "school_year") {
      int year = 0;
      if (!absl::SimpleAtoi(t.value, &year)) {
        return InvalidField("filter", "school_year must be a year, e.g. 2026", "学年筛选值须为年份，例如2026");
      }
      where.push_back(absl::StrCat("school_year ", t.op, " ", param(std::to_string(year)), "::integer"));
    } else if (t.field == "region_code") {
      if (t.op == ":") where.push_back(absl::StrCat("region_code LIKE ", param(LikeEscape(t.value) + "%")));
      else where.push_back(absl::StrCat("region_code = ", param(t.value)));
    }
  }
  if (!q.region.empty()) where.push_back(absl::StrCat("region_code = ", param(q.region)));
  if (!q.show_deleted) where.push_back("deleted_at IS NULL");
  if (!q.region_scope.empty()) {
    where.push_back(absl::StrCat("(region_code LIKE ", param(LikeEscape(q.region_scope) + "%"),
                                 " OR region_code = ANY(", param("{" + absl::StrJoin(q.also_regions, ",") + "}"),
                                 "::text[]))"));
  }
  const std::vector<std::string> keys = SortKeys(q.order, {"school_year", "region_code"});
  GT_ASSIGN_OR_RETURN(const bool desc, Descending(q.order));
  const std::string count_where = where.empty() ? "" : " WHERE " + absl::StrJoin(where, " AND ");
  const std::vector<std::string> count_params = params;
  if (!q.after.empty()) {
    if (q.after.size() != keys.size()) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    std::vector<std::string> refs;
    for (size_t i = 0; i < keys.size(); ++i) {
      refs.push_back(param(q.after[i]) + (keys[i] == "school_year" ? "::integer" : "::text"));
    }
    where.push_back(absl::StrCat("(", absl::StrJoin(keys, ", "), ") ", desc ? "<" : ">", " (",
                                 absl::StrJoin(refs, ", "), ")"));
  }
  std::string sql = absl::StrCat("SELECT ", kCalendarColumns, " FROM school_calendars");
  if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  std::vector<std::string> order_terms;
  for (const auto& k : keys) order_terms.push_back(k + (desc ? " DESC" : " ASC"));
  absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(order_terms, ", "), " LIMIT ", q.limit + 1);

  CalendarPage page;
  GT_ASSIGN_OR_RETURN(
      FetchedPage fetched,
      FetchPage(*pool_, sql, params, q.limit, q.count_total ? "SELECT count(*) FROM school_calendars" + count_where : "",
                count_params, [&](const pqxx::row& row) { page.calendars.push_back(CalendarFromRow(row)); }, deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  if (!page.calendars.empty()) {
    const auto& last = page.calendars.back();
    for (const auto& k : keys) {
      page.last_key.push_back(k == "school_year" ? std::to_string(last.school_year()) : last.region_code());
    }
  }
  return page;
}

absl::StatusOr<std::vector<SchoolCalendar>> CalendarStore::LiveCalendars(const std::vector<std::string>& regions,
                                                                         int first_year, int last_year,
                                                                         pg::Deadline deadline) {
  std::vector<SchoolCalendar> out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    out.clear();
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kCalendarColumns,
                     " FROM school_calendars WHERE region_code = ANY($1::text[]) AND school_year BETWEEN $2 AND $3 "
                     "AND deleted_at IS NULL ORDER BY school_year, region_code"),
        "{" + absl::StrJoin(regions, ",") + "}", first_year, last_year);
    for (const auto& row : rows) out.push_back(CalendarFromRow(row));
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<SchoolCalendar> CalendarStore::CreateCalendar(const SchoolCalendar& input, const WriteContext& ctx) {
  SchoolCalendar created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<SchoolCalendar>(tx, ctx));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    SchoolCalendar c = input;
    *c.mutable_audit()->mutable_creator() = ctx.actor;
    *c.mutable_audit()->mutable_updater() = ctx.actor;
    const std::string body = CalendarBody(c);
    auto inserted = tx.exec_params(
        "INSERT INTO school_calendars (region_code, school_year, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        input.region_code(), input.school_year(), pqxx::binarystring(body.data(), body.size()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "CALENDAR_EXISTS")
          .Message(CalendarName(input.region_code(), input.school_year()) + " exists (possibly deleted: undelete it)")
          .Zh(absl::StrCat("该地区", input.school_year(), "学年的校历已存在"))
          .Field("school_calendar.school_year", "already has a calendar in this region");
    }
    created = CalendarFromRow(tx.exec_params1(
        absl::StrCat("SELECT ", kCalendarColumns, " FROM school_calendars WHERE region_code = $1 AND school_year = $2"),
        input.region_code(), input.school_year()));
    RecordCalendarChange(tx, v1::CHANGE_KIND_CREATED, created, {}, ctx);
    pg::RecordResponse(tx, ctx.method, ctx.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<SchoolCalendar> CalendarStore::MutateCalendar(const std::string& region, int year,
                                                             const std::string& expected_etag, ChangeKind kind,
                                                             const std::vector<std::string>& changed_paths,
                                                             const CalendarMutation& mutate, const WriteContext& ctx) {
  SchoolCalendar result;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<SchoolCalendar>(tx, ctx));
    if (replay) {
      result = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params(absl::StrCat("SELECT ", kCalendarColumns,
                                            " FROM school_calendars WHERE region_code = $1 AND school_year = $2 "
                                            "FOR UPDATE"),
                               region, year);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "CALENDAR_NOT_FOUND")
          .Message("no calendar " + CalendarName(region, year))
          .Zh(absl::StrCat("校历不存在：", region, " ", year, "学年"));
    }
    SchoolCalendar c = CalendarFromRow(rows[0]);
    if (!expected_etag.empty() && expected_etag != c.etag()) return EtagMismatch("校历", expected_etag, c.etag());
    bool deleted = c.audit().has_delete_time();
    GT_RETURN_IF_ERROR(mutate(c, deleted));
    *c.mutable_audit()->mutable_updater() = ctx.actor;
    const std::string body = CalendarBody(c);
    result = CalendarFromRow(tx.exec_params1(
        absl::StrCat("UPDATE school_calendars SET body = $3, version = version + 1, updated_at = now(), "
                     "deleted_at = CASE WHEN $4 THEN coalesce(deleted_at, now()) ELSE NULL END "
                     "WHERE region_code = $1 AND school_year = $2 RETURNING ", kCalendarColumns),
        region, year, pqxx::binarystring(body.data(), body.size()), deleted));
    RecordCalendarChange(tx, kind, result, changed_paths, ctx);
    pg::RecordResponse(tx, ctx.method, ctx.request_id, result.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return result;
}

// ---- bell schedules -------------------------------------------------------

absl::StatusOr<BellSchedule> CalendarStore::GetBellSchedule(const std::string& code, const std::string& id,
                                                            pg::Deadline deadline) {
  BellSchedule out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(absl::StrCat("SELECT ", kBellColumns,
                                            " FROM bell_schedules b WHERE b.school_code = $1 AND b.schedule_id = $2"),
                               code, id);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "BELL_SCHEDULE_NOT_FOUND")
          .Message("no bell schedule " + BellScheduleName(code, id))
          .Zh("作息时间表不存在：" + BellScheduleName(code, id))
          .Meta("name", BellScheduleName(code, id));
    }
    out = BellFromRow(rows[0]);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<BellSchedulePage> CalendarStore::ListBellSchedules(const BellScheduleListQuery& q,
                                                                  pg::Deadline deadline) {
  std::vector<std::string> where, params;
  auto param = [&](std::string v) {
    params.push_back(std::move(v));
    return absl::StrCat("$", params.size());
  };
  for (const auto& t : q.filter) {
    if (t.field == "season") {
      v1::BellScheduleSeason season;
      if (!v1::BellScheduleSeason_Parse(t.value, &season) &&
          !v1::BellScheduleSeason_Parse("BELL_SCHEDULE_SEASON_" + t.value, &season)) {
        return InvalidField("filter", "season must be ALL_YEAR, SUMMER or WINTER", "作息季节筛选值无效");
      }
      where.push_back(absl::StrCat("b.season = ", param(std::to_string(season)), "::smallint"));
    } else if (t.field == "effective_on") {
      auto date = ParseIsoDate(t.value);
      if (!date) return InvalidField("filter", "effective_on must be a date YYYY-MM-DD", "effective_on 须为日期 YYYY-MM-DD");
      const std::string d = param(FormatDate(*date));
      const std::string md = param(std::to_string(date->month * 100 + date->day));
      where.push_back(absl::StrCat(
          "b.effective_start <= ", d, "::date AND (b.effective_end IS NULL OR b.effective_end >= ", d,
          "::date) AND (b.season = ", static_cast<int>(v1::BELL_SCHEDULE_SEASON_ALL_YEAR),
          " OR (b.annual_start_md <= b.annual_end_md AND ", md, "::smallint BETWEEN b.annual_start_md AND "
          "b.annual_end_md) OR (b.annual_start_md > b.annual_end_md AND (", md, "::smallint >= b.annual_start_md OR ",
          md, "::smallint <= b.annual_end_md)))"));
    } else if (t.field == "region_code") {
      where.push_back(absl::StrCat("s.region_code LIKE ", param(LikeEscape(t.value) + "%")));
    }
  }
  if (!q.school_code.empty()) where.push_back(absl::StrCat("b.school_code = ", param(q.school_code)));
  if (!q.show_deleted) where.push_back("b.deleted_at IS NULL");
  if (!q.region_scope.empty()) where.push_back(absl::StrCat("s.region_code LIKE ", param(LikeEscape(q.region_scope) + "%")));
  const std::vector<std::string> keys = SortKeys(q.order, {"school_code", "schedule_id"});
  GT_ASSIGN_OR_RETURN(const bool desc, Descending(q.order));
  std::vector<std::string> qualified;
  for (const auto& k : keys) qualified.push_back("b." + k);
  const std::string from = " FROM bell_schedules b JOIN schools s ON s.school_code = b.school_code";
  const std::string count_where = where.empty() ? "" : " WHERE " + absl::StrJoin(where, " AND ");
  const std::vector<std::string> count_params = params;
  if (!q.after.empty()) {
    if (q.after.size() != keys.size()) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    std::vector<std::string> refs;
    for (const auto& v : q.after) refs.push_back(param(v) + "::text");
    where.push_back(absl::StrCat("(", absl::StrJoin(qualified, ", "), ") ", desc ? "<" : ">", " (",
                                 absl::StrJoin(refs, ", "), ")"));
  }
  std::string sql = absl::StrCat("SELECT ", kBellColumns, from);
  if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  std::vector<std::string> order_terms;
  for (const auto& k : qualified) order_terms.push_back(k + (desc ? " DESC" : " ASC"));
  absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(order_terms, ", "), " LIMIT ", q.limit + 1);

  BellSchedulePage page;
  std::vector<std::pair<std::string, std::string>> ids;  // school code, schedule id of each row
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(*pool_, sql, params, q.limit,
                                q.count_total ? "SELECT count(*)" + from + count_where : "", count_params,
                                [&](const pqxx::row& row) {
                                  page.schedules.push_back(BellFromRow(row));
                                  ids.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
                                },
                                deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  if (!page.schedules.empty()) {
    for (const auto& k : keys) {
      if (k == "display_name") page.last_key.push_back(page.schedules.back().display_name());
      else if (k == "school_code") page.last_key.push_back(ids.back().first);
      else page.last_key.push_back(ids.back().second);
    }
  }
  return page;
}

absl::StatusOr<std::vector<BellSchedule>> CalendarStore::LiveBellSchedules(const std::string& code,
                                                                           pg::Deadline deadline) {
  std::vector<BellSchedule> out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    out = OtherLiveSchedules(tx, code, "");
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<BellSchedule> CalendarStore::CreateBellScheduleIn(pqxx::transaction_base& tx, const std::string& code,
                                                                 const std::string& id, const BellSchedule& input,
                                                                 const std::string& conflict_field,
                                                                 const WriteContext& ctx) {
  GT_ASSIGN_OR_RETURN(SchoolState school, LockSchool(tx, code));
  if (school.deleted) return SchoolDeleted(code, "parent");
  BellSchedule b = input;
  b.set_name(BellScheduleName(code, id));
  *b.mutable_audit()->mutable_creator() = ctx.actor;
  *b.mutable_audit()->mutable_updater() = ctx.actor;
  const std::string body = BellBody(b);
  const BellColumns cols = ColumnsOf(b);
  auto inserted = tx.exec_params(
      "INSERT INTO bell_schedules (school_code, schedule_id, display_name, season, annual_start_md, annual_end_md, "
      "effective_start, effective_end, body) VALUES ($1, $2, $3, $4, $5, $6, $7::date, NULLIF($8, '')::date, $9) "
      "ON CONFLICT DO NOTHING",
      code, id, b.display_name(), static_cast<int>(b.season()), cols.start_md, cols.end_md, cols.effective_start,
      cols.effective_end, pqxx::binarystring(body.data(), body.size()));
  if (inserted.affected_rows() == 0) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists, "BELL_SCHEDULE_ID_TAKEN")
        .Message(BellScheduleName(code, id) + " exists (ids are not reused, also after deletion)")
        .Zh("作息时间表编号已存在：" + id)
        .Field("bell_schedule_id", "already exists");
  }
  GT_RETURN_IF_ERROR(ScheduleConflict(b, OtherLiveSchedules(tx, code, id), conflict_field));
  BellSchedule created = BellFromRow(tx.exec_params1(
      absl::StrCat("SELECT ", kBellColumns, " FROM bell_schedules b WHERE b.school_code = $1 AND b.schedule_id = $2"),
      code, id));
  RecordBellChange(tx, v1::CHANGE_KIND_CREATED, code, id, school.region, created, {}, ctx);
  return created;
}

absl::StatusOr<BellSchedule> CalendarStore::CreateBellSchedule(const std::string& code, const std::string& id,
                                                               const BellSchedule& input,
                                                               const std::string& conflict_field,
                                                               const WriteContext& ctx) {
  BellSchedule created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<BellSchedule>(tx, ctx));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(created, CreateBellScheduleIn(tx, code, id, input, conflict_field, ctx));
    pg::RecordResponse(tx, ctx.method, ctx.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return created;
}

std::optional<BellSchedule> CalendarStore::FindBellSchedule(pqxx::transaction_base& tx, const std::string& code,
                                                            const std::string& id) {
  auto rows = tx.exec_params(
      absl::StrCat("SELECT ", kBellColumns, " FROM bell_schedules b WHERE b.school_code = $1 AND b.schedule_id = $2"),
      code, id);
  if (rows.empty()) return std::nullopt;
  return BellFromRow(rows[0]);
}

absl::StatusOr<BellSchedule> CalendarStore::MutateBellScheduleIn(pqxx::transaction_base& tx, const std::string& code,
                                                                 const std::string& id,
                                                                 const std::string& expected_etag, ChangeKind kind,
                                                                 const std::vector<std::string>& changed_paths,
                                                                 const std::string& conflict_field,
                                                                 const BellScheduleMutation& mutate,
                                                                 const WriteContext& ctx) {
  auto school = LockSchool(tx, code);
  if (!school.ok() && school.status().code() != absl::StatusCode::kNotFound) return school.status();
  auto rows = tx.exec_params(absl::StrCat("SELECT ", kBellColumns,
                                          " FROM bell_schedules b WHERE b.school_code = $1 AND b.schedule_id = $2 "
                                          "FOR UPDATE"),
                             code, id);
  if (rows.empty() || !school.ok()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "BELL_SCHEDULE_NOT_FOUND")
        .Message("no bell schedule " + BellScheduleName(code, id))
        .Zh("作息时间表不存在：" + BellScheduleName(code, id));
  }
  BellSchedule b = BellFromRow(rows[0]);
  if (!expected_etag.empty() && expected_etag != b.etag()) return EtagMismatch("作息时间表", expected_etag, b.etag());
  bool deleted = b.audit().has_delete_time();
  GT_RETURN_IF_ERROR(mutate(b, deleted));
  if (!deleted) {
    if (school->deleted) return SchoolDeleted(code, conflict_field);
    GT_RETURN_IF_ERROR(ScheduleConflict(b, OtherLiveSchedules(tx, code, id), conflict_field));
  }
  *b.mutable_audit()->mutable_updater() = ctx.actor;
  const std::string body = BellBody(b);
  const BellColumns cols = ColumnsOf(b);
  BellSchedule result = BellFromRow(tx.exec_params1(
      absl::StrCat("UPDATE bell_schedules b SET display_name = $3, season = $4, annual_start_md = $5, "
                   "annual_end_md = $6, effective_start = $7::date, effective_end = NULLIF($8, '')::date, "
                   "body = $9, version = version + 1, updated_at = now(), "
                   "deleted_at = CASE WHEN $10 THEN coalesce(deleted_at, now()) ELSE NULL END "
                   "WHERE b.school_code = $1 AND b.schedule_id = $2 RETURNING ", kBellColumns),
      code, id, b.display_name(), static_cast<int>(b.season()), cols.start_md, cols.end_md, cols.effective_start,
      cols.effective_end, pqxx::binarystring(body.data(), body.size()), deleted));
  RecordBellChange(tx, kind, code, id, school->region, result, changed_paths, ctx);
  return result;
}

absl::StatusOr<BellSchedule> CalendarStore::MutateBellSchedule(const std::string& code, const std::string& id,
                                                               const std::string& expected_etag, ChangeKind kind,
                                                               const std::vector<std::string>& changed_paths,
                                                               const std::string& conflict_field,
                                                               const BellScheduleMutation& mutate,
                                                               const WriteContext& ctx) {
  BellSchedule result;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<BellSchedule>(tx, ctx));
    if (replay) {
      result = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(result, MutateBellScheduleIn(tx, code, id, expected_etag, kind, changed_paths, conflict_field,
                                                     mutate, ctx));
    pg::RecordResponse(tx, ctx.method, ctx.request_id, result.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return result;
}

}  // namespace gongtong::registry
