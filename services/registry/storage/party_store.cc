#include "registry/storage/party_store.h"

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "registry/storage/change_log.h"
#include "registry/storage/community_store.h"
#include "registry/storage/page_fetch.h"
#include "registry/storage/roster_table.h"
#include "registry/storage/roster_write.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::Change;
using gongtong::registry::v1::ChangeKind;
using roster::SqlBuilder;

// Row layout: id, body, version, created/updated/deleted epochs, then the
// sort columns display_name, kind.
constexpr char kColumns[] =
    "o.organization_id, o.body, o.version, extract(epoch from o.created_at)::float8, "
    "extract(epoch from o.updated_at)::float8, extract(epoch from o.deleted_at)::float8, "
    "o.display_name, o.kind::text";

PartyOrganization FromRow(const pqxx::row& row) {
  PartyOrganization o;
  pqxx::binarystring body(row[1]);
  o.ParseFromString(body.str());
  o.set_name(PartyOrganizationName(row[0].as<std::string>()));
  o.set_etag(row[2].as<std::string>());
  FillAudit(o.mutable_audit(), row, 3);
  return o;
}

std::string IdOf(const std::string& name) {
  auto id = ParsePartyOrganizationName(name, "");
  return id.ok() ? *id : "";
}

std::string TextArray(const std::vector<std::string>& values) {
  return "{" + absl::StrJoin(values, ",") + "}";  // school codes: digits only
}

pqxx::result SelectById(pqxx::transaction_base& tx, const std::string& id, bool lock) {
  return tx.exec_params(absl::StrCat("SELECT ", kColumns, " FROM party_organizations o WHERE o.organization_id = $1",
                                     lock ? " FOR UPDATE" : ""),
                        id);
}

// The superior of `o` and every organisation above it (stops at a cycle).
PartyOrgFacts LoadChain(pqxx::transaction_base& tx, const PartyOrganization& o) {
  PartyOrgFacts orgs;
  const std::string superior = IdOf(o.superior());
  if (superior.empty()) return orgs;
  for (const auto& row : tx.exec_params(
           "WITH RECURSIVE up(id) AS (SELECT $1::text UNION SELECT p.superior_id FROM party_organizations p "
           "JOIN up ON p.organization_id = up.id WHERE p.superior_id <> '') "
           "SELECT p.organization_id, p.superior_id, p.deleted_at IS NOT NULL FROM party_organizations p "
           "JOIN up ON p.organization_id = up.id ORDER BY p.organization_id FOR SHARE OF p",
           superior)) {
    orgs[row[0].as<std::string>()] = PartyOrgFact{row[2].as<bool>(), row[1].as<std::string>()};
  }
  return orgs;
}

PartyFacts LoadFacts(pqxx::transaction_base& tx, const std::string& id, const PartyOrganization& before,
                     const PartyOrganization& after) {
  PartyFacts facts;
  std::vector<std::string> codes = PartySchoolCodes(before);
  for (auto& code : PartySchoolCodes(after)) codes.push_back(code);
  facts.schools = LoadSchoolFacts(tx, codes, /*lock=*/true);
  facts.orgs = LoadChain(tx, after);
  for (const auto& row : tx.exec_params(
           "SELECT teacher_id FROM teachers WHERE party_organization = $1 AND deleted_at IS NULL "
           "ORDER BY teacher_id LIMIT 5",
           PartyOrganizationName(id))) {
    facts.members.push_back("teachers/" + row[0].as<std::string>());
  }
  for (const auto& row : tx.exec_params(
           "SELECT organization_id FROM party_organizations WHERE superior_id = $1 AND deleted_at IS NULL "
           "ORDER BY organization_id LIMIT 5",
           id)) {
    facts.subordinates.push_back(PartyOrganizationName(row[0].as<std::string>()));
  }
  return facts;
}

void SyncSchools(pqxx::transaction_base& tx, const std::string& id, const PartyOrganization& o) {
  tx.exec_params("DELETE FROM party_organization_schools WHERE organization_id = $1", id);
  tx.exec_params(
      "INSERT INTO party_organization_schools (organization_id, school_code) "
      "SELECT $1, code FROM unnest($2::text[]) AS code ON CONFLICT DO NOTHING",
      id, TextArray(PartySchoolCodes(o)));
}

// The feed row is filed under the first school's region (the organisation's
// home school; a joint committee's first listed school).
void Record(pqxx::transaction_base& tx, ChangeKind kind, const PartyOrganization& o,
            const std::vector<std::string>& paths, const SchoolFacts& schools, const WriteContext& ctx) {
  Change change;
  change.set_kind(kind);
  change.set_resource_type(gongtong::registry::v1::RESOURCE_TYPE_PARTY_ORGANIZATION);
  change.mutable_natural_key()->set_resource_id(IdOf(o.name()));
  const std::vector<std::string> codes = PartySchoolCodes(o);
  for (const auto& code : codes) change.mutable_natural_key()->add_school_codes(code);
  for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
  const std::string first = codes.empty() ? "" : codes.front();
  auto it = schools.find(first);
  const std::string region = it == schools.end() ? "" : it->second.region_code;
  roster::RecordRosterChange<PartyOrganization, gongtong::events::v1::PartyOrganizationChanged,
                             gongtong::events::v1::PartyOrganizationDeleted>(
      tx, change, o, &Change::mutable_party_organization,
      &gongtong::events::v1::PartyOrganizationChanged::mutable_party_organization, region, first, ctx);
}

void Write(pqxx::transaction_base& tx, const std::string& id, const PartyOrganization& o, bool deleted) {
  const std::string body = StoredBody(o);
  tx.exec_params(
      "UPDATE party_organizations SET display_name = $2, kind = $3, superior_id = $4, body = $5, "
      "version = version + 1, updated_at = now(), "
      "deleted_at = CASE WHEN $6 THEN coalesce(deleted_at, now()) ELSE NULL END WHERE organization_id = $1",
      id, o.display_name(), static_cast<int>(o.kind()), IdOf(o.superior()),
      pqxx::binarystring(body.data(), body.size()), deleted);
  SyncSchools(tx, id, o);
}

absl::Status AddFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b) {
  for (const auto& t : terms) {
    if (t.field == "kind") {
      gongtong::registry::v1::PartyOrganizationKind kind;
      if (!gongtong::registry::v1::PartyOrganizationKind_Parse(t.value, &kind)) {
        return InvalidField("filter", "kind must be a PartyOrganizationKind name, e.g. PARTY_ORGANIZATION_KIND_BRANCH",
                            "党组织类型筛选值无效");
      }
      b->where.push_back(absl::StrCat("o.kind = ", b->Param(std::to_string(kind)), "::smallint"));
    } else if (t.field == "school") {
      auto code = ParseSchoolName(t.value, "filter");
      if (!code.ok()) {
        return InvalidField("filter", "school must be schools/{10-digit school code}", "学校筛选值应为 schools/{10位学校标识码}");
      }
      b->where.push_back(absl::StrCat("EXISTS (SELECT 1 FROM party_organization_schools f WHERE f.organization_id = "
                                      "o.organization_id AND f.school_code = ",
                                      b->Param(*code), ")"));
    } else if (t.field == "superior") {
      auto id = ParsePartyOrganizationName(t.value, "filter");
      if (!id.ok()) {
        return InvalidField("filter", "superior must be partyOrganizations/{id}", "上级党组织筛选值应为 partyOrganizations/{id}");
      }
      b->where.push_back("o.superior_id = " + b->Param(*id));
    } else if (t.field == "region_code") {
      b->where.push_back(absl::StrCat(
          "EXISTS (SELECT 1 FROM party_organization_schools f JOIN schools s ON s.school_code = f.school_code "
          "WHERE f.organization_id = o.organization_id AND s.region_code LIKE ",
          b->Param(roster::LikePrefix(t.value)), ")"));
    } else if (t.field == "display_name") {
      std::string like = roster::LikePrefix(t.value);
      b->where.push_back("o.display_name ILIKE " + b->Param("%" + like));
    }
  }
  return absl::OkStatus();
}

std::string Where(const std::vector<std::string>& where) {
  return where.empty() ? "" : " WHERE " + absl::StrJoin(where, " AND ");
}

}  // namespace

PartyReach PartyReachOf(const PartyOrganization& o, const SchoolFacts& schools) {
  PartyReach reach;
  reach.school_codes = PartySchoolCodes(o);
  for (const auto& code : reach.school_codes) {
    auto it = schools.find(code);
    if (it != schools.end()) reach.school_regions.push_back(it->second.region_code);
  }
  return reach;
}

const std::vector<api::FilterField>& PartyOrganizationFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"kind", {"="}}, {"school", {"="}}, {"superior", {"="}}, {"region_code", {":"}}, {"display_name", {":"}}};
  return *kFields;
}

const std::vector<std::string>& PartyOrganizationOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name", "kind"};
  return *kFields;
}

PartyOrgState LockPartyOrganization(pqxx::transaction_base& tx, const std::string& organization_id) {
  auto rows = tx.exec_params(
      "SELECT deleted_at IS NOT NULL FROM party_organizations WHERE organization_id = $1 FOR SHARE", organization_id);
  if (rows.empty()) return {};
  return PartyOrgState{true, rows[0][0].as<bool>()};
}

absl::StatusOr<PartyRecord> PartyStore::Get(const std::string& id, pg::Deadline deadline) {
  PartyRecord record;
  absl::Status s = pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        auto rows = SelectById(tx, id, false);
        if (rows.empty()) {
          return roster::NotFound("PARTY_ORGANIZATION_NOT_FOUND", PartyOrganizationName(id), "党组织");
        }
        record.organization = FromRow(rows[0]);
        record.schools = LoadSchoolFacts(tx, PartySchoolCodes(record.organization), /*lock=*/false);
        return absl::OkStatus();
      },
      deadline);
  if (!s.ok()) return s;
  return record;
}

absl::StatusOr<RosterPage<PartyOrganization>> PartyStore::List(const RosterListQuery& q, pg::Deadline deadline) {
  SqlBuilder b;
  GT_RETURN_IF_ERROR(AddFilter(q.filter, &b));
  if (!q.show_deleted) b.where.push_back("o.deleted_at IS NULL");
  const std::string count_sql = "SELECT count(*) FROM party_organizations o" + Where(b.where);
  const std::vector<std::string> count_params = b.params;
  GT_ASSIGN_OR_RETURN(const bool desc, roster::Descending(q.order));
  std::vector<std::string> fields;
  for (const auto& o : q.order) fields.push_back(o.field);
  fields.push_back("organization_id");  // unique tie-break
  std::vector<std::string> columns, order;
  for (const auto& f : fields) {
    columns.push_back("o." + f);
    order.push_back("o." + f + (desc ? " DESC" : " ASC"));
  }
  if (!q.after.empty()) {
    if (q.after.size() != fields.size()) return InvalidField("page_token", "does not match order_by", "分页令牌无效");
    std::vector<std::string> refs;
    for (size_t i = 0; i < fields.size(); ++i) {
      refs.push_back(b.Param(q.after[i]) + (fields[i] == "kind" ? "::smallint" : ""));
    }
    b.where.push_back(absl::StrCat("(", absl::StrJoin(columns, ", "), ") ", desc ? "<" : ">", " (",
                                   absl::StrJoin(refs, ", "), ")"));
  }
  const std::string sql = absl::StrCat("SELECT ", kColumns, " FROM party_organizations o", Where(b.where),
                                       " ORDER BY ", absl::StrJoin(order, ", "), " LIMIT ", q.limit + 1);
  RosterPage<PartyOrganization> page;
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(
                          *pool_, sql, b.params, q.limit, q.count_total ? count_sql : "", count_params,
                          [&](const pqxx::row& row) {
                            page.items.push_back(FromRow(row));
                            page.last_key.clear();
                            for (const auto& f : fields) {
                              const int at = f == "display_name" ? 6 : f == "kind" ? 7 : 0;
                              page.last_key.push_back(row[at].as<std::string>());
                            }
                          },
                          deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  return page;
}

absl::StatusOr<PartyOrganization> PartyStore::Create(const std::string& id, const PartyOrganization& input,
                                                     const Check& check, const WriteContext& ctx) {
  return roster::Idempotent<PartyOrganization>(
      *pool_, ctx, [&](pqxx::transaction_base& tx) -> absl::StatusOr<PartyOrganization> {
        PartyOrganization o = input;
        o.set_name(PartyOrganizationName(id));
        const PartyFacts facts = LoadFacts(tx, id, PartyOrganization(), o);
        GT_RETURN_IF_ERROR(check(PartyOrganization(), o, false, facts));
        *o.mutable_audit()->mutable_creator() = ctx.actor;
        *o.mutable_audit()->mutable_updater() = ctx.actor;
        const std::string body = StoredBody(o);
        auto inserted = tx.exec_params(
            "INSERT INTO party_organizations (organization_id, display_name, kind, superior_id, body) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            id, o.display_name(), static_cast<int>(o.kind()), IdOf(o.superior()),
            pqxx::binarystring(body.data(), body.size()));
        if (inserted.affected_rows() == 0) {
          return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ID_TAKEN")
              .Message(PartyOrganizationName(id) + " exists (ids are not reused, also after deletion)")
              .Zh("党组织编号已存在：" + id)
              .Field("party_organization_id", "already exists");
        }
        SyncSchools(tx, id, o);
        PartyOrganization created = FromRow(SelectById(tx, id, false)[0]);
        Record(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, created, {}, facts.schools, ctx);
        return created;
      });
}

absl::StatusOr<PartyOrganization> PartyStore::Mutate(const std::string& id, const std::string& expected_etag,
                                                     ChangeKind kind, const std::vector<std::string>& changed_paths,
                                                     const Mutation& mutate, const Check& check,
                                                     const WriteContext& ctx) {
  return roster::Idempotent<PartyOrganization>(
      *pool_, ctx, [&](pqxx::transaction_base& tx) -> absl::StatusOr<PartyOrganization> {
        auto rows = SelectById(tx, id, true);
        if (rows.empty()) {
          return roster::NotFound("PARTY_ORGANIZATION_NOT_FOUND", PartyOrganizationName(id), "党组织");
        }
        const PartyOrganization before = FromRow(rows[0]);
        PartyOrganization o = before;
        bool deleted = before.audit().has_delete_time();
        const bool was_deleted = deleted;
        GT_RETURN_IF_ERROR(mutate(o, deleted));
        const PartyFacts facts = LoadFacts(tx, id, before, o);
        GT_RETURN_IF_ERROR(check(before, o, was_deleted, facts));
        if (!expected_etag.empty() && expected_etag != before.etag()) return roster::Stale(expected_etag, before.etag());
        *o.mutable_audit()->mutable_updater() = ctx.actor;
        Write(tx, id, o, deleted);
        PartyOrganization result = FromRow(SelectById(tx, id, false)[0]);
        Record(tx, kind, result, changed_paths, facts.schools, ctx);
        return result;
      });
}

}  // namespace gongtong::registry
