#include "registry/domain/party_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::PARTY_OFFICER_ROLE_UNSPECIFIED;
using gongtong::registry::v1::PARTY_ORGANIZATION_KIND_JOINT_COMMITTEE;
using gongtong::registry::v1::PARTY_ORGANIZATION_KIND_UNSPECIFIED;

constexpr std::string_view kOrgs = "partyOrganizations/";
constexpr int kMaxOfficers = 20;

// The id of a well-formed "partyOrganizations/{id}", else "".
std::string OrgIdOf(std::string_view name) {
  if (name.substr(0, kOrgs.size()) != kOrgs) return "";
  std::string_view id = name.substr(kOrgs.size());
  return IsResourceId(id) ? std::string(id) : "";
}

void SchoolsViolations(const PartyOrganization& o, const std::string& prefix, std::vector<Violation>* v) {
  std::set<std::string> seen;
  for (int i = 0; i < o.schools_size(); ++i) {
    const std::string path = absl::StrCat(prefix, ".schools[", i, "]");
    if (!ParseSchoolName(o.schools(i), path).ok()) {
      v->push_back({path, "must be schools/{10-digit school code}", "学校资源名称格式应为 schools/{10位学校标识码}"});
    } else if (!seen.insert(o.schools(i)).second) {
      v->push_back({path, "is listed twice", "学校重复"});
    }
  }
  const bool joint = o.kind() == PARTY_ORGANIZATION_KIND_JOINT_COMMITTEE;
  if (joint && o.schools_size() < 2) {
    v->push_back({prefix + ".schools", "a joint committee spans two or more schools", "联合党委须涵盖两所及以上学校"});
  } else if (!joint && o.schools_size() != 1) {
    v->push_back({prefix + ".schools", "must name exactly one school (only a joint committee spans several)",
                  "党组织须属于且仅属于一所学校（联合党委除外）"});
  }
}

}  // namespace

std::string PartyOrganizationName(std::string_view organization_id) {
  return std::string(kOrgs) + std::string(organization_id);
}

absl::StatusOr<std::string> ParsePartyOrganizationName(std::string_view name, const std::string& field) {
  std::string id = OrgIdOf(name);
  if (id.empty()) {
    return InvalidField(field, "must be partyOrganizations/{organization_id}", "党组织资源名称格式应为 partyOrganizations/{id}");
  }
  return id;
}

std::vector<Violation> PartyOrganizationViolations(const PartyOrganization& o, const std::string& id,
                                                   const std::string& prefix) {
  std::vector<Violation> v;
  if (o.kind() == PARTY_ORGANIZATION_KIND_UNSPECIFIED || !v1::PartyOrganizationKind_IsValid(o.kind())) {
    v.push_back({prefix + ".kind", "is required", "须选择党组织类型"});
  }
  const size_t length = Utf8Length(o.display_name());
  if (o.display_name().find_first_not_of(" \t") == std::string::npos || length > 100) {
    v.push_back({prefix + ".display_name", "must be 1 to 100 characters", "党组织名称不能为空且不超过100个字符"});
  }
  SchoolsViolations(o, prefix, &v);
  if (!o.superior().empty() && !o.external_superior().empty()) {
    v.push_back({prefix + ".external_superior", "cannot be set together with superior", "上级党组织只能填写一种"});
  }
  if (!o.superior().empty()) {
    const std::string superior = OrgIdOf(o.superior());
    if (superior.empty()) {
      v.push_back({prefix + ".superior", "must be partyOrganizations/{id}", "上级党组织资源名称格式应为 partyOrganizations/{id}"});
    } else if (!id.empty() && superior == id) {
      v.push_back({prefix + ".superior", "cannot be the organisation itself", "上级党组织不能是本组织"});
    }
  }
  if (Utf8Length(o.external_superior()) > 100) {
    v.push_back({prefix + ".external_superior", "must be at most 100 characters", "上级党组织名称不超过100个字符"});
  }
  if (Utf8Length(o.scope()) > 100) {
    v.push_back({prefix + ".scope", "must be at most 100 characters", "设置范围不超过100个字符"});
  }
  if (o.has_secretary()) PersonViolations(o.secretary(), prefix + ".secretary", &v);
  if (o.officers_size() > kMaxOfficers) {
    v.push_back({prefix + ".officers", "at most 20 officers", "委员不超过20人"});
  }
  for (int i = 0; i < o.officers_size(); ++i) {
    const std::string path = absl::StrCat(prefix, ".officers[", i, "]");
    if (o.officers(i).role() == PARTY_OFFICER_ROLE_UNSPECIFIED || !v1::PartyOfficerRole_IsValid(o.officers(i).role())) {
      v.push_back({path + ".role", "is required", "须选择委员职务"});
    }
    PersonViolations(o.officers(i).person(), path + ".person", &v);
  }
  return v;
}

std::vector<std::string> PartySchoolCodes(const PartyOrganization& o) {
  std::vector<std::string> codes;
  for (const auto& s : o.schools()) {
    auto code = ParseSchoolName(s, "");
    if (code.ok()) codes.push_back(*code);
  }
  return codes;
}

absl::Status PartySchoolsLive(const PartyOrganization& o, const SchoolFacts& schools, const std::string& prefix) {
  for (int i = 0; i < o.schools_size(); ++i) {
    auto code = ParseSchoolName(o.schools(i), "");
    if (!code.ok()) continue;
    const std::string path = absl::StrCat(prefix, ".schools[", i, "]");
    auto it = schools.find(*code);
    if (it == schools.end()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
          .Message("no school " + o.schools(i))
          .Zh("学校不存在：" + *code)
          .Field(path, "does not exist");
    }
    if (it->second.deleted) {
      return PreconditionOn("SCHOOL_DELETED", path, "the school is deleted", "该学校已删除：" + *code);
    }
  }
  return absl::OkStatus();
}

absl::Status SuperiorAcyclic(const std::string& id, const PartyOrganization& o, const PartyOrgFacts& orgs,
                             const std::string& prefix) {
  const std::string superior = OrgIdOf(o.superior());
  if (superior.empty()) return absl::OkStatus();
  const std::string path = prefix + ".superior";
  auto it = orgs.find(superior);
  if (it == orgs.end()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "PARTY_ORGANIZATION_NOT_FOUND")
        .Message("no Party organisation " + o.superior())
        .Zh("上级党组织不存在：" + superior)
        .Field(path, "does not exist");
  }
  if (it->second.deleted) {
    return PreconditionOn("SUPERIOR_DELETED", path, "the superior is deleted", "上级党组织已删除");
  }
  std::vector<std::string> chain = {id, superior};
  std::set<std::string> seen = {superior};
  for (std::string at = it->second.superior_id; !at.empty();) {
    chain.push_back(at);
    if (at == id || !seen.insert(at).second) {
      return PreconditionOn("SUPERIOR_CYCLE", path, "the superior chain would form a cycle: " + absl::StrJoin(chain, " → "),
                            "上级党组织形成循环：" + absl::StrJoin(chain, " → "));
    }
    auto next = orgs.find(at);
    if (next == orgs.end()) break;
    at = next->second.superior_id;
  }
  return absl::OkStatus();
}

absl::Status PartyOrganizationUnreferenced(const std::vector<std::string>& members,
                                           const std::vector<std::string>& subordinates) {
  if (!members.empty()) {
    return PreconditionOn("PARTY_ORGANIZATION_HAS_MEMBERS", "name",
                          "teachers' memberships name it: " + absl::StrJoin(members, ", "),
                          "尚有教师的党员关系在该党组织，请先转出");
  }
  if (!subordinates.empty()) {
    return PreconditionOn("PARTY_ORGANIZATION_HAS_SUBORDINATES", "name",
                          "subordinate organisations name it: " + absl::StrJoin(subordinates, ", "),
                          "尚有下级党组织，请先调整");
  }
  return absl::OkStatus();
}

std::string PartyJointBuildingName(std::string_view joint_building_id) {
  return "partyJointBuildings/" + std::string(joint_building_id);
}

absl::StatusOr<std::string> ParsePartyJointBuildingName(std::string_view name, const std::string& field) {
  constexpr std::string_view kPrefix = "partyJointBuildings/";
  if (name.substr(0, kPrefix.size()) != kPrefix || !IsResourceId(name.substr(kPrefix.size()))) {
    return InvalidField(field, "must be partyJointBuildings/{joint_building_id}",
                        "结对共建资源名称格式应为 partyJointBuildings/{id}");
  }
  return std::string(name.substr(kPrefix.size()));
}

std::vector<Violation> PartyJointBuildingViolations(const PartyJointBuilding& j, const std::string& prefix) {
  std::vector<Violation> v;
  if (j.display_name().find_first_not_of(" \t") == std::string::npos || Utf8Length(j.display_name()) > 100) {
    v.push_back({prefix + ".display_name", "must be 1 to 100 characters", "结对共建名称不能为空且不超过100个字符"});
  }
  if (OrgIdOf(j.organization()).empty()) {
    v.push_back({prefix + ".organization", "must be partyOrganizations/{id}", "须填写学校一方党组织 partyOrganizations/{id}"});
  }
  switch (j.partner_case()) {
    case PartyJointBuilding::kPartnerOrganization:
      if (OrgIdOf(j.partner_organization()).empty()) {
        v.push_back({prefix + ".partner_organization", "must be partyOrganizations/{id}",
                     "结对党组织资源名称格式应为 partyOrganizations/{id}"});
      } else if (j.partner_organization() == j.organization()) {
        v.push_back({prefix + ".partner_organization", "must differ from organization", "不能与本组织结对"});
      }
      break;
    case PartyJointBuilding::kPartnerUnit: {
      const auto& u = j.partner_unit();
      if (u.display_name().find_first_not_of(" \t") == std::string::npos || Utf8Length(u.display_name()) > 100) {
        v.push_back({prefix + ".partner_unit.display_name", "must be 1 to 100 characters", "结对单位名称不能为空且不超过100个字符"});
      }
      if (u.kind() == v1::EXTERNAL_UNIT_KIND_UNSPECIFIED || !v1::ExternalUnitKind_IsValid(u.kind())) {
        v.push_back({prefix + ".partner_unit.kind", "is required", "须选择结对单位类型"});
      }
      const size_t n = u.region_code().size();
      if (n != 0 && ((n != 6 && n != 9 && n != 12) || u.region_code().find_first_not_of("0123456789") != std::string::npos)) {
        v.push_back({prefix + ".partner_unit.region_code", "must be 6, 9 or 12 digits", "区划代码应为6、9或12位数字"});
      }
      break;
    }
    default:
      v.push_back({prefix + ".partner_organization", "exactly one of partner_organization and partner_unit is required",
                   "须填写结对党组织或结对单位"});
  }
  if (j.liaisons_size() > 4) v.push_back({prefix + ".liaisons", "at most 4 liaisons", "联络员不超过4人"});
  for (int i = 0; i < j.liaisons_size(); ++i) {
    PersonViolations(j.liaisons(i), absl::StrCat(prefix, ".liaisons[", i, "]"), &v);
  }
  for (int i = 0; i < j.leading_group_size(); ++i) {
    const std::string path = absl::StrCat(prefix, ".leading_group[", i, "]");
    if (j.leading_group(i).role() == v1::LEADING_GROUP_ROLE_UNSPECIFIED ||
        !v1::LeadingGroupRole_IsValid(j.leading_group(i).role())) {
      v.push_back({path + ".role", "must be leader, deputy leader or member", "须填写领导小组职务（组长、副组长、成员）"});
    }
    PersonViolations(j.leading_group(i).person(), path + ".person", &v);
  }
  PeriodViolations(j.period(), j.has_period(), prefix + ".period", &v);
  return v;
}

std::string PartnerKey(const PartyJointBuilding& j) {
  if (j.partner_case() == PartyJointBuilding::kPartnerOrganization) return "org:" + OrgIdOf(j.partner_organization());
  return absl::StrCat("unit:", static_cast<int>(j.partner_unit().kind()), ":", j.partner_unit().display_name());
}

absl::Status PartyOrganizationLive(const std::string& name, const PartyOrgFacts& orgs, const std::string& field) {
  const std::string id = OrgIdOf(name);
  if (id.empty()) return absl::OkStatus();
  auto it = orgs.find(id);
  if (it == orgs.end()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "PARTY_ORGANIZATION_NOT_FOUND")
        .Message("no Party organisation " + name)
        .Zh("党组织不存在：" + id)
        .Field(field, "does not exist");
  }
  if (it->second.deleted) {
    return PreconditionOn("PARTY_ORGANIZATION_DELETED", field, "the Party organisation is deleted", "该党组织已删除");
  }
  return absl::OkStatus();
}

}  // namespace gongtong::registry
