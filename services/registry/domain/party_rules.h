#pragma once
// Rules for Party organisations (党组织) (DOMAIN §2; issue 3;
// registry/v1/party.proto). Pure functions, no I/O: what the database knows
// (do the schools exist, which organisation is whose superior, which
// teachers and organisations name an organisation) is passed in as facts.
//
//   R-PARTY-ORG-1  kind set; 1–100-character name (INVALID_ARGUMENT).
//   R-PARTY-ORG-2  `schools` well-formed and distinct; exactly one school,
//                  except a JOINT_COMMITTEE, which spans two or more
//                  (INVALID_ARGUMENT "…schools").
//   R-PARTY-ORG-3  at most one of `superior` and `external_superior`;
//                  `superior` is "partyOrganizations/{id}" and not itself
//                  (INVALID_ARGUMENT).
//   R-PARTY-ORG-4  secretary and officers are valid persons; at most 20
//                  officers, each with a role (INVALID_ARGUMENT).
//   R-PARTY-ORG-5  against the database (FAILED_PRECONDITION unless said):
//                  the schools exist (NOT_FOUND) and are live; the superior
//                  exists (NOT_FOUND) and is live; the superior chain has no
//                  cycle.
//   R-PARTY-JB-1   joint building: 1–100-character name; `organization`
//                  required; exactly one of partner_organization /
//                  partner_unit, a partner organisation other than
//                  `organization`; an external unit named (1–100) with its
//                  kind; at most 4 liaisons; leading group roles set;
//                  period.start_date required (INVALID_ARGUMENT).
//   R-PARTY-JB-2   both organisations exist (NOT_FOUND) and are live
//                  (FAILED_PRECONDITION); one live relation per pair
//                  (ALREADY_EXISTS, by the store).
//   R-PARTY-ORG-6  an organisation is deleted only when no live teacher's
//                  membership and no live subordinate names it
//                  (FAILED_PRECONDITION).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/registry/v1/party.pb.h"
#include "registry/domain/community_rules.h"

namespace gongtong::registry {

using gongtong::registry::v1::PartyJointBuilding;
using gongtong::registry::v1::PartyOrganization;

// ---- names ----------------------------------------------------------------

std::string PartyOrganizationName(std::string_view organization_id);
// The id of "partyOrganizations/{id}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParsePartyOrganizationName(std::string_view name, const std::string& field);

// ---- validation (INVALID_ARGUMENT) -----------------------------------------

// Every violation of the organisation's own fields (R-PARTY-ORG-1…4);
// `id` is its id ("" on create with a generated id), `prefix` its request
// path, e.g. "party_organization".
std::vector<Violation> PartyOrganizationViolations(const PartyOrganization& o, const std::string& id,
                                                   const std::string& prefix);

// The school codes of an organisation, in order (codes that do not parse are
// skipped).
std::vector<std::string> PartySchoolCodes(const PartyOrganization& o);

// ---- against the database's facts (FAILED_PRECONDITION / NOT_FOUND) -------

// What is known of a registered organisation that a write names.
struct PartyOrgFact {
  bool deleted = false;
  std::string superior_id;  // "" when none registered
};
// By organisation id; an absent id does not exist.
using PartyOrgFacts = std::map<std::string, PartyOrgFact>;

// Whether the organisation a teacher's membership names exists and is live.
struct PartyOrgState {
  bool exists = false;
  bool deleted = false;
};

// R-PARTY-ORG-5: every school exists and is live.
absl::Status PartySchoolsLive(const PartyOrganization& o, const SchoolFacts& schools, const std::string& prefix);

// R-PARTY-ORG-5: the superior of organisation `id` exists and is live, and
// following superiors from it (through `orgs`, which holds the chain) never
// comes back to `id`.
absl::Status SuperiorAcyclic(const std::string& id, const PartyOrganization& o, const PartyOrgFacts& orgs,
                             const std::string& prefix);

// R-PARTY-ORG-6: refuses a delete while `members` (live teachers) or
// `subordinates` (live organisations) name it.
absl::Status PartyOrganizationUnreferenced(const std::vector<std::string>& members,
                                           const std::vector<std::string>& subordinates);

// ---- joint-building relations -----------------------------------------------

std::string PartyJointBuildingName(std::string_view joint_building_id);
absl::StatusOr<std::string> ParsePartyJointBuildingName(std::string_view name, const std::string& field);

// R-PARTY-JB-1; `prefix` e.g. "party_joint_building".
std::vector<Violation> PartyJointBuildingViolations(const PartyJointBuilding& j, const std::string& prefix);

// Who the relation pairs with, for "one live relation per pair":
// "org:{id}" or "unit:{kind}:{name}".
std::string PartnerKey(const PartyJointBuilding& j);

// R-PARTY-JB-2: the organisation named at `field` ("" id skipped) exists
// and is live, per `orgs`.
absl::Status PartyOrganizationLive(const std::string& name, const PartyOrgFacts& orgs, const std::string& field);

}  // namespace gongtong::registry
