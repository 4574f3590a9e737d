#include "registry/storage/community_store.h"
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
#include "registry/domain/school_rules.h"
#include "registry/storage/change_log.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::Change;
using gongtong::registry::v1::ChangeKind;

constexpr char kCommunityColumns[] =
    "c.community_id, c.body, c.version, extract(epoch from c.created_at)::float8, "
    "extract(epoch from c.updated_at)::float8, extract(epoch from c.deleted_at)::float8, "
    "c.display_name, c.region_code, c.type";

constexpr char kPairingColumns[] =
    "p.community_id, p.pairing_id, p.body, p.version, extract(epoch from p.created_at)::float8, "
    "extract(epoch from p.updated_at)::float8, extract(epoch from p.deleted_at)::float8, "
    "p.member_school_code, p.core_school_code";

Community CommunityFromRow(const pqxx::row& row) {
  Community c;
  pqxx::binarystring body(row[1]);
  c.ParseFromString(body.str());
  c.set_name(CommunityName(row[0].as<std::string>()));
  c.set_etag(row[2].as<std::string>());
  FillAudit(c.mutable_audit(), row, 3);
  return c;
}

Pairing PairingFromRow(const pqxx::row& row) {
  Pairing p;
  pqxx::binarystring body(row[2]);
  p.ParseFromString(body.str());
  p.set_name(PairingName(row[0].as<std::string>(), row[1].as<std::string>()));
  p.set_community(CommunityName(row[0].as<std::string>()));
  p.set_etag(row[3].as<std::string>());
  FillAudit(p.mutable_audit(), row, 4);
  return p;
}

std::string PairingBody(Pairing p) {
  p.clear_community();
  return StoredBody(std::move(p));
}

// Derived fields: members join on the start date unless told otherwise;
// members of a fused community are campuses of the core.
void Normalize(Community& c) {
  for (auto& m : *c.mutable_members()) {
    if (!m.has_join_date() && c.period().has_start_date()) *m.mutable_join_date() = c.period().start_date();
    m.set_campus(c.type() == gongtong::registry::v1::COMMUNITY_TYPE_FUSED);
  }
}

std::string DateParam(const gongtong::common::v1::DateRange& r, bool end) {
  if (end) return r.has_end_date() ? IsoDate(r.end_date()) : "";
  return r.has_start_date() ? IsoDate(r.start_date()) : "";
}

std::string TextArray(const std::vector<std::string>& values) {
  return "{" + absl::StrJoin(values, ",") + "}";  // school codes: digits only
}

std::string CodeOf(const std::string& school_name) {
  auto code = ParseSchoolName(school_name, "");
  return code.ok() ? *code : "";
}

std::string SubjectsArray(const Pairing& p) {
  std::vector<std::string> codes;
  for (const auto& s : p.subjects()) codes.push_back(std::to_string(static_cast<int>(s.code())));
  return "{" + absl::StrJoin(codes, ",") + "}";
}

int64_t VersionOf(const std::string& etag) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(etag, &v);
  return v;
}

std::vector<std::string> PairingSchoolCodes(const Pairing& p) { return {CodeOf(p.core_school()), CodeOf(p.member_school())}; }

absl::Status CommunityNotFound(const std::string& id) {
  return ErrorBuilder(absl::StatusCode::kNotFound, "COMMUNITY_NOT_FOUND")
      .Message("no community communities/" + id)
      .Zh("共同体不存在：" + id)
      .Meta("name", CommunityName(id));
}

absl::Status PairingNotFound(const std::string& cid, const std::string& pid) {
  return ErrorBuilder(absl::StatusCode::kNotFound, "PAIRING_NOT_FOUND")
      .Message("no pairing " + PairingName(cid, pid))
      .Zh("结对不存在：" + PairingName(cid, pid))
      .Meta("name", PairingName(cid, pid));
}

absl::Status Stale(const std::string& expected, const std::string& now, const char* zh) {
  return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
      .Message("the resource changed since it was read (etag " + expected + ", now " + now + ")")
      .Zh(zh)
      .Field("etag", "stale");
}

std::string LikeEscape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// ---- change feed ---------------------------------------------------------------

std::string RegionOf(const SchoolFacts& facts, const std::string& code, const std::string& fallback) {
  auto it = facts.find(code);
  return it == facts.end() || it->second.region_code.empty() ? fallback : it->second.region_code;
}

void RecordCommunityChange(pqxx::transaction_base& tx, ChangeKind kind, const Community& c, const std::vector<std::string>& paths,
                           const WriteContext& ctx, const SchoolFacts& facts) {
  const std::string core = CodeOf(c.core_school());
  Change change;
  change.set_kind(kind);
  change.set_resource_type(gongtong::registry::v1::RESOURCE_TYPE_COMMUNITY);
  change.set_name(c.name());
  change.mutable_natural_key()->set_resource_id(c.name().substr(std::string("communities/").size()));
  change.mutable_natural_key()->set_region_code(c.region_code());
  change.mutable_natural_key()->set_core_school_code(core);
  for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
  *change.mutable_actor() = ctx.actor;
  const int64_t version = VersionOf(c.etag());
  change.set_version(version);
  const std::string region = RegionOf(facts, core, c.region_code());
  if (kind == gongtong::registry::v1::CHANGE_KIND_DELETED) {
    gongtong::events::v1::CommunityDeleted deleted;
    deleted.set_name(c.name());
    *deleted.mutable_natural_key() = change.natural_key();
    *deleted.mutable_delete_time() = c.audit().delete_time();
    *deleted.mutable_actor() = ctx.actor;
    RecordChange(tx, change, region, core, deleted, version, ctx.correlation_id);
  } else {
    *change.mutable_community() = c;
    gongtong::events::v1::CommunityChanged changed;
    *changed.mutable_community() = c;
    changed.set_change_kind(kind);
    *changed.mutable_changed_fields() = change.changed_fields();
    *changed.mutable_natural_key() = change.natural_key();
    *changed.mutable_actor() = ctx.actor;
    RecordChange(tx, change, region, core, changed, version, ctx.correlation_id);
  }
}

void RecordPairingChange(pqxx::transaction_base& tx, ChangeKind kind, const Pairing& p, const std::string& pairing_id,
                         const std::vector<std::string>& paths, const WriteContext& ctx, const SchoolFacts& facts,
                         const std::string& community_region) {
  const std::string core = CodeOf(p.core_school());
  Change change;
  change.set_kind(kind);
  change.set_resource_type(gongtong::registry::v1::RESOURCE_TYPE_PAIRING);
  change.set_name(p.name());
  change.mutable_natural_key()->set_resource_id(pairing_id);
  change.mutable_natural_key()->set_core_school_code(core);
  change.mutable_natural_key()->set_member_school_code(CodeOf(p.member_school()));
  for (const auto& path : paths) change.mutable_changed_fields()->add_paths(path);
  *change.mutable_actor() = ctx.actor;
  const int64_t version = VersionOf(p.etag());
  change.set_version(version);
  const std::string region = RegionOf(facts, core, community_region);
  if (kind == gongtong::registry::v1::CHANGE_KIND_DELETED) {
    gongtong::events::v1::PairingDeleted deleted;
    deleted.set_name(p.name());
    *deleted.mutable_natural_key() = change.natural_key();
    *deleted.mutable_delete_time() = p.audit().delete_time();
    *deleted.mutable_actor() = ctx.actor;
    RecordChange(tx, change, region, core, deleted, version, ctx.correlation_id);
  } else {
    *change.mutable_pairing() = p;
    gongtong::events::v1::PairingChanged changed;
    *changed.mutable_pairing() = p;
    changed.set_change_kind(kind);
    *changed.mutable_changed_fields() = change.changed_fields();
    *changed.mutable_natural_key() = change.natural_key();
    *changed.mutable_actor() = ctx.actor;
    RecordChange(tx, change, region, core, changed, version, ctx.correlation_id);
  }
}

// ---- community writes ------------------------------------------------------------

CommunityFacts LoadCommunityFacts(pqxx::transaction_base& tx, const std::string& id, const Community& before,
                                  const Community& after, bool deleted) {
  CommunityFacts facts;
  std::vector<std::string> codes = CommunitySchoolCodes(before);
  for (auto& code : CommunitySchoolCodes(after)) codes.push_back(code);
  facts.schools = LoadSchoolFacts(tx, codes, /*lock=*/true);
  for (const auto& row : tx.exec_params(
           "SELECT DISTINCT member_school_code FROM pairings WHERE community_id = $1 AND deleted_at IS NULL", id)) {
    facts.paired_members.insert(row[0].as<std::string>());
  }
  if (after.type() == gongtong::registry::v1::COMMUNITY_TYPE_FUSED && !deleted) {
    for (const auto& row : tx.exec_params(
             "SELECT cs.school_code, cs.community_id FROM community_schools cs "
             "JOIN communities c ON c.community_id = cs.community_id "
             "WHERE c.type = $1 AND c.deleted_at IS NULL AND cs.community_id <> $2 "
             "AND cs.school_code = ANY($3::text[]) ORDER BY cs.community_id",
             static_cast<int>(gongtong::registry::v1::COMMUNITY_TYPE_FUSED), id,
             TextArray(CommunitySchoolCodes(after)))) {
      facts.fused_elsewhere.emplace(row[0].as<std::string>(), CommunityName(row[1].as<std::string>()));
    }
  }
  return facts;
}

void DefaultRegion(Community& c, const SchoolFacts& facts) {
  if (!c.region_code().empty()) return;
  auto it = facts.find(CodeOf(c.core_school()));
  if (it != facts.end()) c.set_region_code(it->second.region_code);
}

void SyncSchools(pqxx::transaction_base& tx, const std::string& id, const Community& c) {
  tx.exec_params("DELETE FROM community_schools WHERE community_id = $1", id);
  tx.exec_params(
      "INSERT INTO community_schools (community_id, school_code, is_core) "
      "SELECT $1, code, code = $2 FROM unnest($3::text[]) AS code ON CONFLICT DO NOTHING",
      id, CodeOf(c.core_school()), TextArray(CommunitySchoolCodes(c)));
}

Community SelectCommunity(pqxx::transaction_base& tx, const std::string& id) {
  return CommunityFromRow(
      tx.exec_params1(absl::StrCat("SELECT ", kCommunityColumns, " FROM communities c WHERE c.community_id = $1"), id));
}

// ---- lists -----------------------------------------------------------------------

struct SqlBuilder {
  std::vector<std::string> where, params;
  std::string Param(std::string v) {
    params.push_back(std::move(v));
    return absl::StrCat("$", params.size());
  }
};

void AddScope(const CommunityListScope& scope, SqlBuilder* b) {
  if (!scope.region_prefix.empty()) {
    const std::string p = b->Param(LikeEscape(scope.region_prefix) + "%");
    b->where.push_back(absl::StrCat(
        "(c.region_code LIKE ", p,
        " OR EXISTS (SELECT 1 FROM community_schools cs JOIN schools s ON s.school_code = cs.school_code "
        "WHERE cs.community_id = c.community_id AND s.region_code LIKE ", p, "))"));
  }
  if (!scope.school_code.empty()) {
    b->where.push_back(absl::StrCat(
        "EXISTS (SELECT 1 FROM community_schools cs WHERE cs.community_id = c.community_id AND cs.school_code = ",
        b->Param(scope.school_code), ")"));
  }
}

absl::StatusOr<std::string> SchoolCodeValue(const api::FilterTerm& t) {
  auto code = ParseSchoolName(t.value, "filter");
  if (!code.ok()) {
    return InvalidField("filter", t.field + " must be schools/{10-digit school code}", "学校筛选值应为 schools/{10位学校标识码}");
  }
  return *code;
}

absl::StatusOr<std::string> DateValue(const api::FilterTerm& t) {
  google::type::Date d;
  if (!ParseIsoDate(t.value, &d)) return InvalidField("filter", t.field + " must be a date YYYY-MM-DD", "日期筛选值应为 YYYY-MM-DD");
  return IsoDate(d);
}

void ActiveOn(const std::string& alias, const std::string& ref, SqlBuilder* b) {
  b->where.push_back(absl::StrCat(alias, ".start_date <= ", ref, "::date AND (", alias, ".end_date IS NULL OR ", alias,
                                  ".end_date >= ", ref, "::date)"));
}

absl::Status AddCommunityFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b) {
  for (const auto& t : terms) {
    if (t.field == "type") {
      gongtong::registry::v1::CommunityType type;
      if (!gongtong::registry::v1::CommunityType_Parse(t.value, &type)) {
        return InvalidField("filter", "type must be a CommunityType name, e.g. COMMUNITY_TYPE_CO_BUILT", "共同体类型筛选值无效");
      }
      b->where.push_back(absl::StrCat("c.type = ", b->Param(std::to_string(type)), "::smallint"));
    } else if (t.field == "region_code") {
      if (t.op == ":") b->where.push_back(absl::StrCat("c.region_code LIKE ", b->Param(LikeEscape(t.value) + "%")));
      else b->where.push_back(absl::StrCat("c.region_code = ", b->Param(t.value)));
    } else if (t.field == "core_school") {
      GT_ASSIGN_OR_RETURN(std::string code, SchoolCodeValue(t));
      b->where.push_back(absl::StrCat("c.core_school_code = ", b->Param(code)));
    } else if (t.field == "school") {
      GT_ASSIGN_OR_RETURN(std::string code, SchoolCodeValue(t));
      b->where.push_back(absl::StrCat(
          "EXISTS (SELECT 1 FROM community_schools f WHERE f.community_id = c.community_id AND f.school_code = ",
          b->Param(code), ")"));
    } else if (t.field == "display_name") {
      b->where.push_back(absl::StrCat("c.display_name ILIKE ", b->Param("%" + LikeEscape(t.value) + "%")));
    } else if (t.field == "active_on") {
      GT_ASSIGN_OR_RETURN(std::string date, DateValue(t));
      ActiveOn("c", b->Param(date), b);
    }
  }
  return absl::OkStatus();
}

absl::Status AddPairingFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b) {
  for (const auto& t : terms) {
    if (t.field == "core_school" || t.field == "member_school" || t.field == "school") {
      GT_ASSIGN_OR_RETURN(std::string code, SchoolCodeValue(t));
      const std::string ref = b->Param(code);
      if (t.field == "core_school") b->where.push_back("p.core_school_code = " + ref);
      else if (t.field == "member_school") b->where.push_back("p.member_school_code = " + ref);
      else b->where.push_back(absl::StrCat("(p.core_school_code = ", ref, " OR p.member_school_code = ", ref, ")"));
    } else if (t.field == "subject") {
      gongtong::common::v1::SubjectCode code;
      if (!gongtong::common::v1::SubjectCode_Parse(t.value, &code)) {
        return InvalidField("filter", "subject must be a SubjectCode name, e.g. SUBJECT_CODE_CHINESE", "学科筛选值无效");
      }
      b->where.push_back(absl::StrCat(b->Param(std::to_string(code)), "::smallint = ANY(p.subjects)"));
    } else if (t.field == "region_code") {
      b->where.push_back(absl::StrCat("c.region_code LIKE ", b->Param(LikeEscape(t.value) + "%")));
    } else if (t.field == "active_on") {
      GT_ASSIGN_OR_RETURN(std::string date, DateValue(t));
      ActiveOn("p", b->Param(date), b);
    }
  }
  return absl::OkStatus();
}

// Keyset paging over `columns` (with their SQL casts) in one direction.
absl::Status Page(const std::vector<api::OrderField>& order, const std::vector<std::string>& columns,
                  const std::vector<std::string>& casts, const std::vector<std::string>& after, SqlBuilder* b,
                  std::string* order_sql) {
  const bool desc = !order.empty() && order.front().descending;
  for (const auto& o : order) {
    if (o.descending != desc) {
      return InvalidField("order_by", "all sort fields must have the same direction", "排序字段的方向须一致");
    }
  }
  if (!after.empty()) {
    if (after.size() != columns.size()) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    std::vector<std::string> refs;
    for (size_t i = 0; i < after.size(); ++i) refs.push_back(b->Param(after[i]) + casts[i]);
    b->where.push_back(absl::StrCat("(", absl::StrJoin(columns, ", "), ") ", desc ? "<" : ">", " (",
                                    absl::StrJoin(refs, ", "), ")"));
  }
  std::vector<std::string> terms;
  for (const auto& c : columns) terms.push_back(c + (desc ? " DESC" : " ASC"));
  *order_sql = absl::StrJoin(terms, ", ");
  return absl::OkStatus();
}

std::string Where(const std::vector<std::string>& where) {
  return where.empty() ? "" : " WHERE " + absl::StrJoin(where, " AND ");
}

}  // namespace

SchoolFacts LoadSchoolFacts(pqxx::transaction_base& tx, std::vector<std::string> codes, bool lock) {
  SchoolFacts facts;
  codes.erase(std::remove(codes.begin(), codes.end(), std::string()), codes.end());
  if (codes.empty()) return facts;
  auto rows = tx.exec_params(
      absl::StrCat("SELECT school_code, region_code, deleted_at IS NOT NULL FROM schools "
                   "WHERE school_code = ANY($1::text[]) ORDER BY school_code",
                   lock ? " FOR SHARE" : ""),
      TextArray(codes));
  for (const auto& row : rows) facts[row[0].as<std::string>()] = SchoolFact{row[2].as<bool>(), row[1].as<std::string>()};
  return facts;
}

CommunityReach ReachOf(const Community& c, const SchoolFacts& schools) {
  CommunityReach reach;
  reach.region_code = c.region_code();
  reach.school_codes = CommunitySchoolCodes(c);
  for (const auto& code : reach.school_codes) {
    auto it = schools.find(code);
    if (it != schools.end()) reach.school_regions.push_back(it->second.region_code);
  }
  return reach;
}

const std::vector<api::FilterField>& CommunityFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"type", {"="}},        {"region_code", {"=", ":"}}, {"core_school", {"="}},
      {"school", {"="}},      {"display_name", {":"}},     {"active_on", {"="}},
  };
  return *kFields;
}

const std::vector<std::string>& CommunityOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name", "region_code", "type"};
  return *kFields;
}

const std::vector<api::FilterField>& PairingFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"core_school", {"="}}, {"member_school", {"="}}, {"school", {"="}},
      {"subject", {"="}},     {"region_code", {":"}},   {"active_on", {"="}},
  };
  return *kFields;
}

const std::vector<std::string>& PairingOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"member_school", "core_school"};
  return *kFields;
}

// ---- communities -------------------------------------------------------------------

absl::StatusOr<CommunityRecord> CommunityStore::Get(const std::string& id, pg::Deadline deadline) {
  CommunityRecord record;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(absl::StrCat("SELECT ", kCommunityColumns, " FROM communities c WHERE c.community_id = $1"), id);
    if (rows.empty()) return CommunityNotFound(id);
    record.community = CommunityFromRow(rows[0]);
    record.schools = LoadSchoolFacts(tx, CommunitySchoolCodes(record.community), /*lock=*/false);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return record;
}

absl::StatusOr<CommunityPage> CommunityStore::List(const CommunityListQuery& q, pg::Deadline deadline) {
  SqlBuilder b;
  GT_RETURN_IF_ERROR(AddCommunityFilter(q.filter, &b));
  if (!q.show_deleted) b.where.push_back("c.deleted_at IS NULL");
  AddScope(q.scope, &b);
  const std::string count_sql = "SELECT count(*) FROM communities c" + Where(b.where);
  const std::vector<std::string> count_params = b.params;
  std::vector<std::string> fields, columns, casts;
  for (const auto& o : q.order) fields.push_back(o.field);
  fields.push_back("community_id");  // unique tie-break
  for (const auto& f : fields) {
    columns.push_back("c." + f);
    casts.push_back(f == "type" ? "::smallint" : "");
  }
  std::string order_sql;
  GT_RETURN_IF_ERROR(Page(q.order, columns, casts, q.after, &b, &order_sql));
  const std::string sql = absl::StrCat("SELECT ", kCommunityColumns, " FROM communities c", Where(b.where),
                                       " ORDER BY ", order_sql, " LIMIT ", q.limit + 1);
  CommunityPage page;
  std::vector<std::string> last;
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(*pool_, sql, b.params, q.limit, q.count_total ? count_sql : "", count_params,
                                [&](const pqxx::row& row) {
                                  page.communities.push_back(CommunityFromRow(row));
                                  last = {row[6].as<std::string>(), row[7].as<std::string>(),
                                          row[8].as<std::string>(), row[0].as<std::string>()};
                                },
                                deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  if (!page.communities.empty()) {
    for (const auto& f : fields) {
      page.last_key.push_back(f == "display_name" ? last[0] : f == "region_code" ? last[1] : f == "type" ? last[2] : last[3]);
    }
  }
  return page;
}

absl::StatusOr<Community> CommunityStore::Create(const std::string& id, const Community& input,
                                                 const CommunityCheck& check, const WriteContext& ctx,
                                                 std::vector<std::string>* schools_changed) {
  Community created;
  std::vector<std::string> changed;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<Community>(tx, ctx));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    Community c = input;
    c.set_name(CommunityName(id));
    Normalize(c);
    CommunityFacts facts = LoadCommunityFacts(tx, id, Community(), c, false);
    DefaultRegion(c, facts.schools);
    GT_RETURN_IF_ERROR(check(Community(), c, facts));
    *c.mutable_audit()->mutable_creator() = ctx.actor;
    *c.mutable_audit()->mutable_updater() = ctx.actor;
    const std::string body = StoredBody(c);
    auto inserted = tx.exec_params(
        "INSERT INTO communities (community_id, display_name, type, region_code, core_school_code, start_date, "
        "end_date, body) VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::date, NULLIF($7, '')::date, $8) "
        "ON CONFLICT DO NOTHING",
        id, c.display_name(), static_cast<int>(c.type()), c.region_code(), CodeOf(c.core_school()),
        DateParam(c.period(), false), DateParam(c.period(), true), pqxx::binarystring(body.data(), body.size()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "COMMUNITY_ID_TAKEN")
          .Message("community id " + id + " exists (ids are never reused)")
          .Zh("共同体编号已存在（编号不可重复使用）：" + id)
          .Field("community_id", "already exists");
    }
    SyncSchools(tx, id, c);
    created = SelectCommunity(tx, id);
    RecordCommunityChange(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, created, {}, ctx, facts.schools);
    changed = SchoolStore::RefreshCommunityFields(tx, CommunitySchoolCodes(created), ctx);
    pg::RecordResponse(tx, ctx.method, ctx.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  if (schools_changed != nullptr) *schools_changed = std::move(changed);
  return created;
}

absl::StatusOr<Community> CommunityStore::Mutate(const std::string& id, const std::string& expected_etag,
                                                 ChangeKind kind, const std::vector<std::string>& changed_paths,
                                                 const CommunityMutation& mutate, const CommunityCheck& check,
                                                 const WriteContext& ctx, std::vector<std::string>* schools_changed) {
  Community result;
  std::vector<std::string> changed;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<Community>(tx, ctx));
    if (replay) {
      result = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kCommunityColumns, " FROM communities c WHERE c.community_id = $1 FOR UPDATE"), id);
    if (rows.empty()) return CommunityNotFound(id);
    const Community before = CommunityFromRow(rows[0]);
    if (!expected_etag.empty() && expected_etag != before.etag()) {
      return Stale(expected_etag, before.etag(), "共同体信息已被他人修改，请刷新后重试");
    }
    Community c = before;
    bool deleted = before.audit().has_delete_time();
    GT_RETURN_IF_ERROR(mutate(c, deleted));
    Normalize(c);
    CommunityFacts facts = LoadCommunityFacts(tx, id, before, c, deleted);
    DefaultRegion(c, facts.schools);
    GT_RETURN_IF_ERROR(check(before, c, facts));
    *c.mutable_audit()->mutable_updater() = ctx.actor;
    const std::string body = StoredBody(c);
    tx.exec_params(
        "UPDATE communities SET display_name = $2, type = $3, region_code = $4, core_school_code = $5, "
        "start_date = NULLIF($6, '')::date, end_date = NULLIF($7, '')::date, body = $8, version = version + 1, "
        "updated_at = now(), deleted_at = CASE WHEN $9 THEN coalesce(deleted_at, now()) ELSE NULL END "
        "WHERE community_id = $1",
        id, c.display_name(), static_cast<int>(c.type()), c.region_code(), CodeOf(c.core_school()),
        DateParam(c.period(), false), DateParam(c.period(), true), pqxx::binarystring(body.data(), body.size()),
        deleted);
    SyncSchools(tx, id, c);
    result = SelectCommunity(tx, id);
    RecordCommunityChange(tx, kind, result, changed_paths, ctx, facts.schools);
    std::vector<std::string> named = CommunitySchoolCodes(before);
    for (auto& code : CommunitySchoolCodes(result)) named.push_back(std::move(code));
    changed = SchoolStore::RefreshCommunityFields(tx, named, ctx);
    pg::RecordResponse(tx, ctx.method, ctx.request_id, result.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  if (schools_changed != nullptr) *schools_changed = std::move(changed);
  return result;
}

absl::StatusOr<std::vector<std::string>> CommunityStore::LiveCommunitiesWithCore(const std::string& school_code,
                                                                                 pg::Deadline deadline) {
  std::vector<std::string> names;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    names.clear();
    for (const auto& row : tx.exec_params(
             "SELECT community_id FROM communities WHERE core_school_code = $1 AND deleted_at IS NULL "
             "ORDER BY community_id",
             school_code)) {
      names.push_back(CommunityName(row[0].as<std::string>()));
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return names;
}

// ---- pairings ---------------------------------------------------------------------

absl::StatusOr<PairingRecord> CommunityStore::GetPairing(const std::string& cid, const std::string& pid,
                                                         pg::Deadline deadline) {
  PairingRecord record;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kPairingColumns, " FROM pairings p WHERE p.community_id = $1 AND p.pairing_id = $2"),
        cid, pid);
    if (rows.empty()) return PairingNotFound(cid, pid);
    record.pairing = PairingFromRow(rows[0]);
    record.community = SelectCommunity(tx, cid);
    std::vector<std::string> codes = CommunitySchoolCodes(record.community);
    for (auto& code : PairingSchoolCodes(record.pairing)) codes.push_back(code);
    record.schools = LoadSchoolFacts(tx, codes, /*lock=*/false);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return record;
}

absl::StatusOr<PairingPage> CommunityStore::ListPairings(const PairingListQuery& q, pg::Deadline deadline) {
  SqlBuilder b;
  if (!q.community_id.empty()) b.where.push_back("p.community_id = " + b.Param(q.community_id));
  GT_RETURN_IF_ERROR(AddPairingFilter(q.filter, &b));
  if (!q.show_deleted) b.where.push_back("p.deleted_at IS NULL");
  AddScope(q.scope, &b);
  constexpr char kFrom[] = " FROM pairings p JOIN communities c ON c.community_id = p.community_id";
  const std::string count_sql = absl::StrCat("SELECT count(*)", kFrom, Where(b.where));
  const std::vector<std::string> count_params = b.params;
  std::vector<std::string> columns;
  for (const auto& o : q.order) columns.push_back(o.field == "member_school" ? "p.member_school_code" : "p.core_school_code");
  columns.push_back("p.community_id");
  columns.push_back("p.pairing_id");
  std::vector<std::string> casts(columns.size(), "");
  std::string order_sql;
  GT_RETURN_IF_ERROR(Page(q.order, columns, casts, q.after, &b, &order_sql));
  const std::string sql = absl::StrCat("SELECT ", kPairingColumns, kFrom, Where(b.where), " ORDER BY ", order_sql,
                                       " LIMIT ", q.limit + 1);
  PairingPage page;
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(*pool_, sql, b.params, q.limit, q.count_total ? count_sql : "", count_params,
                                [&](const pqxx::row& row) {
                                  page.pairings.push_back(PairingFromRow(row));
                                  page.last_key.clear();
                                  for (const auto& col : columns) {
                                    if (col == "p.member_school_code") page.last_key.push_back(row[7].as<std::string>());
                                    else if (col == "p.core_school_code") page.last_key.push_back(row[8].as<std::string>());
                                    else if (col == "p.community_id") page.last_key.push_back(row[0].as<std::string>());
                                    else page.last_key.push_back(row[1].as<std::string>());
                                  }
                                },
                                deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  return page;
}

absl::StatusOr<Pairing> CommunityStore::CreatePairing(const std::string& cid, const std::string& pid,
                                                      const Pairing& input, const PairingCheck& check,
                                                      const WriteContext& ctx) {
  Pairing created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<Pairing>(tx, ctx));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    // The community row is shared-locked: a concurrent change of its members
    // waits for this pairing (and then sees it).
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kCommunityColumns, " FROM communities c WHERE c.community_id = $1 FOR SHARE"), cid);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "COMMUNITY_NOT_FOUND")
          .Message("no community communities/" + cid)
          .Zh("共同体不存在：" + cid)
          .Field("parent", "does not exist");
    }
    CommunityRecord community;
    community.community = CommunityFromRow(rows[0]);
    Pairing p = input;
    p.set_name(PairingName(cid, pid));
    p.set_community(CommunityName(cid));
    std::vector<std::string> codes = CommunitySchoolCodes(community.community);
    for (auto& code : PairingSchoolCodes(p)) codes.push_back(code);
    community.schools = LoadSchoolFacts(tx, codes, /*lock=*/true);
    GT_RETURN_IF_ERROR(check(Pairing(), p, false, community));
    if (!tx.exec_params("SELECT 1 FROM pairings WHERE community_id = $1 AND pairing_id = $2", cid, pid).empty()) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "PAIRING_ID_TAKEN")
          .Message("pairing " + PairingName(cid, pid) + " exists (ids are never reused)")
          .Zh("结对编号已存在（编号不可重复使用）：" + pid)
          .Field("pairing_id", "already exists");
    }
    const std::string member = CodeOf(p.member_school());
    auto live = tx.exec_params(
        "SELECT pairing_id FROM pairings WHERE community_id = $1 AND member_school_code = $2 AND deleted_at IS NULL",
        cid, member);
    if (!live.empty()) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "MEMBER_ALREADY_PAIRED")
          .Message("member " + member + " already has pairing " + PairingName(cid, live[0][0].as<std::string>()))
          .Zh("该成员校在本共同体中已有结对")
          .Field("pairing.member_school", "already paired in this community")
          .Meta("existing", PairingName(cid, live[0][0].as<std::string>()));
    }
    *p.mutable_audit()->mutable_creator() = ctx.actor;
    *p.mutable_audit()->mutable_updater() = ctx.actor;
    const std::string body = PairingBody(p);
    tx.exec_params(
        "INSERT INTO pairings (community_id, pairing_id, core_school_code, member_school_code, subjects, start_date, "
        "end_date, body) VALUES ($1, $2, $3, $4, $5::smallint[], NULLIF($6, '')::date, NULLIF($7, '')::date, $8)",
        cid, pid, CodeOf(p.core_school()), member, SubjectsArray(p), DateParam(p.period(), false),
        DateParam(p.period(), true), pqxx::binarystring(body.data(), body.size()));
    created = PairingFromRow(tx.exec_params1(
        absl::StrCat("SELECT ", kPairingColumns, " FROM pairings p WHERE p.community_id = $1 AND p.pairing_id = $2"),
        cid, pid));
    RecordPairingChange(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, created, pid, {}, ctx, community.schools,
                        community.community.region_code());
    pg::RecordResponse(tx, ctx.method, ctx.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<Pairing> CommunityStore::MutatePairing(const std::string& cid, const std::string& pid,
                                                      const std::string& expected_etag, ChangeKind kind,
                                                      const std::vector<std::string>& changed_paths,
                                                      const PairingMutation& mutate, const PairingCheck& check,
                                                      const WriteContext& ctx) {
  Pairing result;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, Replay<Pairing>(tx, ctx));
    if (replay) {
      result = *replay;
      return absl::OkStatus();
    }
    auto crows = tx.exec_params(
        absl::StrCat("SELECT ", kCommunityColumns, " FROM communities c WHERE c.community_id = $1 FOR SHARE"), cid);
    if (crows.empty()) return PairingNotFound(cid, pid);
    auto rows = tx.exec_params(
        absl::StrCat("SELECT ", kPairingColumns,
                     " FROM pairings p WHERE p.community_id = $1 AND p.pairing_id = $2 FOR UPDATE"),
        cid, pid);
    if (rows.empty()) return PairingNotFound(cid, pid);
    const Pairing before = PairingFromRow(rows[0]);
    if (!expected_etag.empty() && expected_etag != before.etag()) {
      return Stale(expected_etag, before.etag(), "结对信息已被他人修改，请刷新后重试");
    }
    CommunityRecord community;
    community.community = CommunityFromRow(crows[0]);
    Pairing p = before;
    bool deleted = before.audit().has_delete_time();
    GT_RETURN_IF_ERROR(mutate(p, deleted));
    std::vector<std::string> codes = CommunitySchoolCodes(community.community);
    for (auto& code : PairingSchoolCodes(p)) codes.push_back(code);
    community.schools = LoadSchoolFacts(tx, codes, /*lock=*/true);
    GT_RETURN_IF_ERROR(check(before, p, deleted, community));
    const std::string member = CodeOf(p.member_school());
    if (before.audit().has_delete_time() && !deleted) {
      auto live = tx.exec_params(
          "SELECT pairing_id FROM pairings WHERE community_id = $1 AND member_school_code = $2 "
          "AND deleted_at IS NULL AND pairing_id <> $3",
          cid, member, pid);
      if (!live.empty()) {
        const std::string other = PairingName(cid, live[0][0].as<std::string>());
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "MEMBER_ALREADY_PAIRED")
            .Message("member " + member + " has another live pairing " + other)
            .Zh("该成员校在本共同体中已有其他结对：" + other)
            .Field("name", "another live pairing of the member exists: " + other);
      }
    }
    *p.mutable_audit()->mutable_updater() = ctx.actor;
    const std::string body = PairingBody(p);
    tx.exec_params(
        "UPDATE pairings SET subjects = $3::smallint[], start_date = NULLIF($4, '')::date, "
        "end_date = NULLIF($5, '')::date, body = $6, version = version + 1, updated_at = now(), "
        "deleted_at = CASE WHEN $7 THEN coalesce(deleted_at, now()) ELSE NULL END "
        "WHERE community_id = $1 AND pairing_id = $2",
        cid, pid, SubjectsArray(p), DateParam(p.period(), false), DateParam(p.period(), true),
        pqxx::binarystring(body.data(), body.size()), deleted);
    result = PairingFromRow(tx.exec_params1(
        absl::StrCat("SELECT ", kPairingColumns, " FROM pairings p WHERE p.community_id = $1 AND p.pairing_id = $2"),
        cid, pid));
    RecordPairingChange(tx, kind, result, pid, changed_paths, ctx, community.schools,
                        community.community.region_code());
    pg::RecordResponse(tx, ctx.method, ctx.request_id, result.SerializeAsString());
    return absl::OkStatus();
  }, ctx.deadline);
  if (!s.ok()) return s;
  return result;
}

}  // namespace gongtong::registry
