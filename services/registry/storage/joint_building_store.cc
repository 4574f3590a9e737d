#include "registry/storage/joint_building_store.h"

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "registry/storage/community_store.h"
#include "registry/storage/body_table.h"
#include "registry/storage/roster_write.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::Change;
using gongtong::registry::v1::ChangeKind;

std::string OrgId(const std::string& name) {
  auto id = ParsePartyOrganizationName(name, "");
  return id.ok() ? *id : "";
}

// A text[] literal of the non-empty ids (resource ids: [a-z0-9-] only).
std::string IdArray(const std::vector<std::string>& ids) {
  std::vector<std::string> kept;
  for (const auto& id : ids) {
    if (!id.empty()) kept.push_back(id);
  }
  return "{" + absl::StrJoin(kept, ",") + "}";
}

std::string DateOf(const google::type::Date& d, bool has) { return has ? IsoDate(d) : ""; }

JointBuildingFacts LoadFacts(pqxx::transaction_base& tx, const PartyJointBuilding& before,
                             const PartyJointBuilding& after) {
  JointBuildingFacts facts;
  std::vector<std::string> ids = {OrgId(after.organization()), OrgId(after.partner_organization())};
  for (const auto& row : tx.exec_params(
           "SELECT organization_id, superior_id, deleted_at IS NOT NULL FROM party_organizations "
           "WHERE organization_id = ANY($1::text[]) ORDER BY organization_id FOR SHARE",
           IdArray(ids))) {
    facts.orgs[row[0].as<std::string>()] = PartyOrgFact{row[2].as<bool>(), row[1].as<std::string>()};
  }
  std::vector<std::string> codes;
  for (const auto& row : tx.exec_params(
           "SELECT DISTINCT school_code FROM party_organization_schools WHERE organization_id = ANY($1::text[]) "
           "ORDER BY school_code",
           IdArray({OrgId(before.organization()), OrgId(after.organization())}))) {
    codes.push_back(row[0].as<std::string>());
  }
  const SchoolFacts schools = LoadSchoolFacts(tx, codes, /*lock=*/false);
  for (const auto& [code, fact] : schools) {
    facts.reach.school_codes.push_back(code);
    facts.reach.school_regions.push_back(fact.region_code);
  }
  return facts;
}

void Record(pqxx::transaction_base& tx, ChangeKind kind, const PartyJointBuilding& j,
            const std::vector<std::string>& paths, const JointBuildingFacts& facts, const WriteContext& ctx) {
  Change change;
  change.set_kind(kind);
  change.set_resource_type(gongtong::registry::v1::RESOURCE_TYPE_PARTY_JOINT_BUILDING);
  change.mutable_natural_key()->set_resource_id(j.name().substr(std::string("partyJointBuildings/").size()));
  for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
  const std::string region = facts.reach.school_regions.empty() ? "" : facts.reach.school_regions.front();
  const std::string school = facts.reach.school_codes.empty() ? "" : facts.reach.school_codes.front();
  roster::RecordRosterChange<PartyJointBuilding, gongtong::events::v1::PartyJointBuildingChanged,
                             gongtong::events::v1::PartyJointBuildingDeleted>(
      tx, change, j, &Change::mutable_party_joint_building,
      &gongtong::events::v1::PartyJointBuildingChanged::mutable_party_joint_building, region, school, ctx);
}

// The values of the derived columns $2…$9 (after the id, before the body).
std::vector<std::string> Columns(const PartyJointBuilding& j, const JointBuildingFacts& facts) {
  return {j.display_name(),
          OrgId(j.organization()),
          OrgId(j.partner_organization()),
          std::to_string(j.has_partner_unit() ? static_cast<int>(j.partner_unit().kind()) : 0),
          PartnerKey(j),
          facts.reach.school_regions.empty() ? "" : facts.reach.school_regions.front(),
          DateOf(j.period().start_date(), j.period().has_start_date()),
          DateOf(j.period().end_date(), j.period().has_end_date())};
}

absl::Status PairTaken(ChangeKind kind) {
  return roster::KeyTaken(kind, "joint-building relation of the same pair", "party_joint_building.organization",
                          "这两个单位已有生效的结对共建关系");
}

absl::Status AddFilter(const std::vector<api::FilterTerm>& terms, roster::SqlBuilder* b) {
  for (const auto& t : terms) {
    if (t.field == "organization") {
      auto id = ParsePartyOrganizationName(t.value, "filter");
      if (!id.ok()) {
        return InvalidField("filter", "organization must be partyOrganizations/{id}", "党组织筛选值应为 partyOrganizations/{id}");
      }
      const std::string ref = b->Param(*id);
      b->where.push_back(absl::StrCat("(j.organization_id = ", ref, " OR j.partner_organization_id = ", ref, ")"));
    } else if (t.field == "partner_kind") {
      gongtong::registry::v1::ExternalUnitKind kind;
      if (!gongtong::registry::v1::ExternalUnitKind_Parse(t.value, &kind)) {
        return InvalidField("filter", "partner_kind must be an ExternalUnitKind name", "结对单位类型筛选值无效");
      }
      b->where.push_back(absl::StrCat("j.partner_kind = ", b->Param(std::to_string(kind)), "::smallint"));
    } else if (t.field == "region_code") {
      b->where.push_back("j.region_code LIKE " + b->Param(roster::LikePrefix(t.value)));
    } else if (t.field == "active_on") {
      google::type::Date d;
      if (!ParseIsoDate(t.value, &d)) return InvalidField("filter", "active_on must be a date YYYY-MM-DD", "日期筛选值应为 YYYY-MM-DD");
      const std::string ref = b->Param(IsoDate(d));
      b->where.push_back(absl::StrCat("j.start_date <= ", ref, "::date AND (j.end_date IS NULL OR j.end_date >= ", ref,
                                      "::date)"));
    }
  }
  return absl::OkStatus();
}

absl::Status Insert(pqxx::transaction_base& tx, const std::string& id, const PartyJointBuilding& j,
                    const JointBuildingFacts& facts) {
  if (!tx.exec_params("SELECT 1 FROM party_joint_buildings WHERE joint_building_id = $1", id).empty()) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ID_TAKEN")
        .Message(j.name() + " exists (ids are not reused, also after deletion)")
        .Zh("结对共建编号已存在：" + id)
        .Field("party_joint_building_id", "already exists");
  }
  const std::string body = StoredBody(j);
  const std::vector<std::string> c = Columns(j, facts);
  auto inserted = tx.exec_params(
      "INSERT INTO party_joint_buildings (joint_building_id, display_name, organization_id, "
      "partner_organization_id, partner_kind, partner_key, region_code, start_date, end_date, body) "
      "VALUES ($1, $2, $3, $4, $5::smallint, $6, $7, NULLIF($8, '')::date, NULLIF($9, '')::date, "
      "$10) ON CONFLICT DO NOTHING",
      id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], pqxx::binarystring(body.data(), body.size()));
  if (inserted.affected_rows() == 0) return PairTaken(gongtong::registry::v1::CHANGE_KIND_CREATED);
  return absl::OkStatus();
}

absl::Status Update(pqxx::transaction_base& tx, const std::string& id, ChangeKind kind, const PartyJointBuilding& j,
                    bool deleted, const JointBuildingFacts& facts) {
  if (!deleted && !tx.exec_params("SELECT 1 FROM party_joint_buildings WHERE organization_id = $1 AND "
                                  "partner_key = $2 AND deleted_at IS NULL AND joint_building_id <> $3",
                                  OrgId(j.organization()), PartnerKey(j), id)
                       .empty()) {
    return PairTaken(kind);
  }
  const std::string body = StoredBody(j);
  const std::vector<std::string> c = Columns(j, facts);
  tx.exec_params(
      "UPDATE party_joint_buildings SET display_name = $2, organization_id = $3, partner_organization_id = $4, "
      "partner_kind = $5::smallint, partner_key = $6, region_code = $7, start_date = NULLIF($8, '')::date, "
      "end_date = NULLIF($9, '')::date, body = $10, version = version + 1, updated_at = now(), "
      "deleted_at = CASE WHEN $11 THEN coalesce(deleted_at, now()) ELSE NULL END WHERE joint_building_id = $1",
      id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], pqxx::binarystring(body.data(), body.size()), deleted);
  return absl::OkStatus();
}

const BodyResource<PartyJointBuilding, JointBuildingFacts>& Resource() {
  static const auto* kResource = new BodyResource<PartyJointBuilding, JointBuildingFacts>{
      {"party_joint_buildings", "j", "joint_building_id",
       [](std::string_view id) { return PartyJointBuildingName(id); }},
      "结对共建关系",
      "PARTY_JOINT_BUILDING_NOT_FOUND",
      AddFilter,
      LoadFacts,
      Insert,
      Update,
      Record};
  return *kResource;
}

}  // namespace

const std::vector<api::FilterField>& PartyJointBuildingFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"organization", {"="}}, {"partner_kind", {"="}}, {"region_code", {":"}}, {"active_on", {"="}}};
  return *kFields;
}

const std::vector<std::string>& PartyJointBuildingOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name"};
  return *kFields;
}

template class BodyStore<PartyJointBuilding, JointBuildingFacts>;

JointBuildingStore::JointBuildingStore(pg::Pool* pool) : BodyStore(pool, &Resource()) {}

}  // namespace gongtong::registry
