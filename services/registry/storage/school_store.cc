#include "registry/storage/school_store.h"
#include "registry/storage/page_fetch.h"
#include "registry/storage/row_codec.h"

#include <pqxx/binarystring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/pg/arrays.h"
#include "common/pg/idempotency.h"
#include "common/status/error.h"
#include "registry/domain/community_rules.h"
#include "registry/domain/school_rules.h"
#include "registry/storage/change_log.h"
#include "gongtong/events/v1/registry_events.pb.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::Change;
using gongtong::registry::v1::ChangeKind;

constexpr char kColumns[] =
    "school_code, body, version, extract(epoch from created_at)::float8, "
    "extract(epoch from updated_at)::float8, extract(epoch from deleted_at)::float8, "
    "display_name, region_code";

// A School from a row of kColumns.
School FromRow(const pqxx::row& row) {
  School s;
  pqxx::binarystring body(row[1]);
  s.ParseFromString(body.str());
  s.set_name(SchoolName(row[0].as<std::string>()));
  s.set_etag(row[2].as<std::string>());
  FillAudit(s.mutable_audit(), row, 3);
  return s;
}

// What is stored in `body`: the school without output-only fields.
std::string Body(School s) {
  s.clear_stages();
  for (SchoolStage stage : StagesOfType(s.school_type_code())) s.add_stages(stage);
  return StoredBody(std::move(s));
}

std::string StagesArray(const School& s) {
  std::vector<std::string> parts;
  for (SchoolStage stage : StagesOfType(s.school_type_code())) parts.push_back(std::to_string(stage));
  return "{" + absl::StrJoin(parts, ",") + "}";
}

std::string SearchNames(const School& s) {
  std::string names = s.display_name();
  for (const auto& former : s.former_names()) absl::StrAppend(&names, " | ", former);
  return names;
}

std::string LikeEscape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Parses an urban–rural filter value: a code ("220") or an enum name.
absl::StatusOr<int> UrbanRuralValue(const std::string& v) {
  int code = 0;
  if (absl::SimpleAtoi(v, &code)) return code;
  gongtong::registry::v1::UrbanRuralCategory c;
  if (gongtong::registry::v1::UrbanRuralCategory_Parse(v, &c)) return static_cast<int>(c);
  return InvalidField("filter", "urban_rural_category must be a code or a category name", "城乡分类筛选值无效");
}

std::string SqlOp(const std::string& op) { return op == ":" ? "=" : op; }

// Appends WHERE conditions for the filter; `params` receives the values.
absl::Status AddFilter(const std::vector<api::FilterTerm>& terms, std::vector<std::string>* where,
                       std::vector<std::string>* params) {
  auto param = [&](std::string v) {
    params->push_back(std::move(v));
    return absl::StrCat("$", params->size());
  };
  for (const auto& t : terms) {
    if (t.field == "region_code" || t.field == "township_code") {
      if (t.op == ":") where->push_back(absl::StrCat(t.field, " LIKE ", param(LikeEscape(t.value) + "%")));
      else where->push_back(absl::StrCat(t.field, " = ", param(t.value)));
    } else if (t.field == "school_type_code") {
      where->push_back(absl::StrCat("school_type_code = ", param(t.value)));
    } else if (t.field == "urban_rural_category") {
      GT_ASSIGN_OR_RETURN(int code, UrbanRuralValue(t.value));
      where->push_back(absl::StrCat("urban_rural ", SqlOp(t.op), " ", param(std::to_string(code)), "::smallint"));
    } else if (t.field == "area") {
      if (t.value == "URBAN") where->push_back("urban_rural < 200");
      else if (t.value == "RURAL") where->push_back("urban_rural >= 200");
      else return InvalidField("filter", "area must be URBAN or RURAL", "区域筛选值应为 URBAN 或 RURAL");
    } else if (t.field == "stage") {
      gongtong::common::v1::SchoolStage stage;
      if (!gongtong::common::v1::SchoolStage_Parse(t.value, &stage)) {
        return InvalidField("filter", "stage must be a SchoolStage name, e.g. SCHOOL_STAGE_PRIMARY", "学段筛选值无效");
      }
      where->push_back(absl::StrCat(param(std::to_string(stage)), "::smallint = ANY(stages)"));
    } else if (t.field == "display_name") {
      where->push_back(absl::StrCat("search_names ILIKE ", param("%" + LikeEscape(t.value) + "%")));
    }
  }
  return absl::OkStatus();
}

std::string KeyOf(const School& s, const std::string& field) {
  if (field == "display_name") return s.display_name();
  if (field == "region_code") return s.region_code();
  return s.school_code();
}

}  // namespace

const std::vector<api::FilterField>& SchoolFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"region_code", {"=", ":"}},
      {"township_code", {"=", ":"}},
      {"urban_rural_category", {"=", "!=", "<", "<=", ">", ">="}},
      {"area", {"="}},
      {"stage", {"="}},
      {"school_type_code", {"="}},
      {"display_name", {":"}},
  };
  return *kFields;
}

const std::vector<std::string>& SchoolOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"school_code", "display_name", "region_code"};
  return *kFields;
}

absl::StatusOr<School> SchoolStore::Get(const std::string& code, pg::Deadline deadline) {
  School school;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(absl::StrCat("SELECT ", kColumns, " FROM schools WHERE school_code = $1"), code);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
          .Message("no school schools/" + code)
          .Zh("学校不存在：" + code)
          .Meta("name", SchoolName(code));
    }
    school = FromRow(rows[0]);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return school;
}

absl::StatusOr<SchoolPage> SchoolStore::List(const SchoolListQuery& q, pg::Deadline deadline) {
  std::vector<std::string> where, params;
  GT_RETURN_IF_ERROR(AddFilter(q.filter, &where, &params));
  if (!q.show_deleted) where.push_back("deleted_at IS NULL");
  if (!q.region_scope.empty()) {
    params.push_back(LikeEscape(q.region_scope) + "%");
    where.push_back(absl::StrCat("region_code LIKE $", params.size()));
  }
  std::vector<std::string> keys;
  for (const auto& o : q.order) keys.push_back(o.field);
  if (keys.empty() || keys.back() != "school_code") keys.push_back("school_code");  // unique tie-break
  const bool desc = !q.order.empty() && q.order.front().descending;
  for (const auto& o : q.order) {
    if (o.descending != desc) {
      return InvalidField("order_by", "all sort fields must have the same direction", "排序字段的方向须一致");
    }
  }
  const std::string count_where = where.empty() ? "" : " WHERE " + absl::StrJoin(where, " AND ");
  const std::vector<std::string> count_params = params;
  if (!q.after.empty()) {
    if (q.after.size() != keys.size()) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    std::vector<std::string> refs;
    for (const auto& v : q.after) {
      params.push_back(v);
      refs.push_back(absl::StrCat("$", params.size()));
    }
    where.push_back(absl::StrCat("(", absl::StrJoin(keys, ", "), ") ", desc ? "<" : ">", " (",
                                 absl::StrJoin(refs, ", "), ")"));
  }
  std::string sql = absl::StrCat("SELECT ", kColumns, " FROM schools");
  if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  std::vector<std::string> order_terms;
  for (const auto& k : keys) order_terms.push_back(k + (desc ? " DESC" : " ASC"));
  absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(order_terms, ", "), " LIMIT ", q.limit + 1);

  SchoolPage page;
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(*pool_, sql, params, q.limit,
                                q.count_total ? "SELECT count(*) FROM schools" + count_where : "", count_params,
                                [&](const pqxx::row& row) { page.schools.push_back(FromRow(row)); }, deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  if (!page.schools.empty()) {
    for (const auto& k : keys) page.last_key.push_back(KeyOf(page.schools.back(), k));
  }
  return page;
}

namespace {

Change MakeChange(ChangeKind kind, const School& school, const std::vector<std::string>& paths,
                  const Actor& actor) {
  Change c;
  c.set_kind(kind);
  c.set_resource_type(gongtong::registry::v1::RESOURCE_TYPE_SCHOOL);
  c.set_name(school.name());
  c.mutable_natural_key()->set_school_code(school.school_code());
  c.mutable_natural_key()->set_region_code(school.region_code());
  for (const auto& p : paths) c.mutable_changed_fields()->add_paths(p);
  *c.mutable_actor() = actor;
  if (kind != gongtong::registry::v1::CHANGE_KIND_DELETED) *c.mutable_school() = school;
  return c;
}

// The event payload for a school change (tombstone when deleted).
void RecordSchoolChange(pqxx::transaction_base& tx, ChangeKind kind, const School& school,
                        const std::vector<std::string>& paths, const WriteContext& ctx, int64_t version) {
  Change change = MakeChange(kind, school, paths, ctx.actor);
  if (kind == gongtong::registry::v1::CHANGE_KIND_DELETED) {
    gongtong::events::v1::SchoolDeleted deleted;
    deleted.set_name(school.name());
    *deleted.mutable_natural_key() = change.natural_key();
    *deleted.mutable_delete_time() = school.audit().delete_time();
    *deleted.mutable_actor() = ctx.actor;
    RecordChange(tx, change, school.region_code(), school.school_code(), deleted, version, ctx.correlation_id);
  } else {
    gongtong::events::v1::SchoolChanged changed;
    *changed.mutable_school() = school;
    changed.set_change_kind(kind);
    *changed.mutable_changed_fields() = change.changed_fields();
    *changed.mutable_natural_key() = change.natural_key();
    RecordChange(tx, change, school.region_code(), school.school_code(), changed, version, ctx.correlation_id);
  }
}

}  // namespace

absl::StatusOr<School> SchoolStore::Create(const School& input, const WriteContext& ctx) {
  School created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<School>(tx, ctx));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    std::optional<School> inserted = Insert(tx, input, ctx);
    if (!inserted) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "SCHOOL_CODE_TAKEN")
          .Message("school code " + input.school_code() + " exists (codes are never reused)")
          .Zh("学校标识码已存在（标识码不可重复使用）：" + input.school_code())
          .Field("school.school_code", "already exists");
    }
    created = *inserted;
    pg::RecordResponse(tx, ctx.method, ctx.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<School> SchoolStore::Mutate(const std::string& code, const std::string& expected_etag,
                                           ChangeKind kind, const std::vector<std::string>& changed_paths,
                                           const Mutation& mutate, const WriteContext& ctx) {
  School result;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<School>(tx, ctx));
    if (replay) {
      result = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kColumns, " FROM schools WHERE school_code = $1 FOR UPDATE"), code);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
          .Message("no school schools/" + code)
          .Zh("学校不存在：" + code);
    }
    School school = FromRow(rows[0]);
    if (!expected_etag.empty() && expected_etag != school.etag()) {
      return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
          .Message("the school changed since it was read (etag " + expected_etag + ", now " + school.etag() + ")")
          .Zh("学校信息已被他人修改，请刷新后重试")
          .Field("etag", "stale");
    }
    bool deleted = school.audit().has_delete_time();
    GT_RETURN_IF_ERROR(mutate(school, deleted));
    result = Rewrite(tx, school, deleted, kind, changed_paths, ctx);
    pg::RecordResponse(tx, ctx.method, ctx.request_id, result.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return result;
}

std::map<std::string, School> SchoolStore::LockExisting(pqxx::transaction_base& tx, const std::vector<std::string>& codes) {
  std::map<std::string, School> found;
  if (codes.empty()) return found;
  std::string list = "{";
  for (size_t i = 0; i < codes.size(); ++i) absl::StrAppend(&list, i ? "," : "", codes[i]);  // digits only
  list += "}";
  for (const auto& row : tx.exec_params(
           absl::StrCat("SELECT ", kColumns, " FROM schools WHERE school_code = ANY($1::text[]) FOR UPDATE"), list)) {
    School s = FromRow(row);
    found.emplace(s.school_code(), std::move(s));
  }
  return found;
}

std::optional<School> SchoolStore::Insert(pqxx::transaction_base& tx, const School& input, const WriteContext& ctx) {
  School school = input;
  *school.mutable_audit()->mutable_creator() = ctx.actor;
  *school.mutable_audit()->mutable_updater() = ctx.actor;
  const std::string body = Body(school);
  auto inserted = tx.exec_params(
      absl::StrCat("INSERT INTO schools (school_code, display_name, region_code, township_code, urban_rural, "
                   "school_type_code, stages, search_names, body) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7::smallint[], $8, $9) ON CONFLICT DO NOTHING RETURNING ",
                   kColumns),
      school.school_code(), school.display_name(), school.region_code(), school.township_code(),
      static_cast<int>(school.urban_rural_category()), school.school_type_code(), StagesArray(school),
      SearchNames(school), pqxx::binarystring(body.data(), body.size()));
  if (inserted.empty()) return std::nullopt;
  School created = FromRow(inserted[0]);
  RecordSchoolChange(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, created, {}, ctx, 1);
  return created;
}

School SchoolStore::Rewrite(pqxx::transaction_base& tx, School school, bool deleted, ChangeKind kind,
                            const std::vector<std::string>& changed_paths, const WriteContext& ctx) {
  const std::string code = school.school_code();
  *school.mutable_audit()->mutable_updater() = ctx.actor;
  const std::string body = Body(school);
  auto row = tx.exec_params1(
      absl::StrCat("UPDATE schools SET display_name = $2, region_code = $3, township_code = $4, "
                   "urban_rural = $5, school_type_code = $6, stages = $7::smallint[], search_names = $8, "
                   "body = $9, version = version + 1, updated_at = now(), "
                   "deleted_at = CASE WHEN $10 THEN coalesce(deleted_at, now()) ELSE NULL END "
                   "WHERE school_code = $1 RETURNING ", kColumns),
      code, school.display_name(), school.region_code(), school.township_code(),
      static_cast<int>(school.urban_rural_category()), school.school_type_code(), StagesArray(school),
      SearchNames(school), pqxx::binarystring(body.data(), body.size()), deleted);
  School result = FromRow(row);
  int64_t version = 0;
  (void)absl::SimpleAtoi(result.etag(), &version);
  RecordSchoolChange(tx, kind, result, changed_paths, ctx, version);
  return result;
}

std::vector<std::string> SchoolStore::RefreshCommunityFields(pqxx::transaction_base& tx,
                                                             const std::vector<std::string>& codes,
                                                             const WriteContext& ctx) {
  std::vector<std::string> rewritten;
  std::map<std::string, School> schools = LockExisting(tx, codes);
  if (schools.empty()) return rewritten;
  std::vector<std::string> found;
  for (const auto& [code, school] : schools) found.push_back(code);
  std::map<std::string, std::vector<SchoolMembership>> memberships;
  for (const auto& row : tx.exec_params(
           "SELECT cs.school_code, c.community_id, c.type, c.core_school_code FROM community_schools cs "
           "JOIN communities c ON c.community_id = cs.community_id "
           "WHERE cs.school_code = ANY($1::text[]) AND c.deleted_at IS NULL",
           pg::TextArray(found))) {
    memberships[row[0].as<std::string>()].push_back(
        {row[1].as<std::string>(), static_cast<gongtong::registry::v1::CommunityType>(row[2].as<int>()),
         row[3].as<std::string>()});
  }
  for (auto& [code, school] : schools) {
    if (school.audit().has_delete_time()) continue;
    if (!SetCommunityFields(memberships[code], &school)) continue;
    Rewrite(tx, school, false, gongtong::registry::v1::CHANGE_KIND_UPDATED, {"communities", "fused_into"}, ctx);
    rewritten.push_back(code);
  }
  return rewritten;
}

}  // namespace gongtong::registry
