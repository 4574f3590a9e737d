#pragma once
// Rules for communities (共同体) and pairings (结对) (DOMAIN §2; issue 3;
// registry/v1/community.proto). Pure functions, no I/O: what the database
// knows (do the schools exist, which members have pairings, which schools
// are in other fused communities) is passed in as facts.
//
//   Community  type set; 1–100-character name; core school "schools/{code}";
//              members distinct, at most 50, none equal to the core
//              (INVALID_ARGUMENT "members[i].school"); at least one member
//              except for research communities; teacher members only for
//              research communities; period.start_date required and
//              start ≤ end; leading group roles set, people named.
//   Pairing    core ≠ member (INVALID_ARGUMENT); 1–30 distinct subjects (the
//              eight of DOMAIN §2 and any other SubjectCode, OTHER with a
//              custom name); both contacts required (R-PAIR-1); period as
//              above. Against its community (FAILED_PRECONDITION): the core
//              is the community's core, the member one of its members, the
//              period within the community's.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/common/v1/contact.pb.h"
#include "gongtong/common/v1/education.pb.h"
#include "gongtong/common/v1/time.pb.h"
#include "gongtong/registry/v1/community.pb.h"
#include "gongtong/registry/v1/school.pb.h"
#include "google/type/date.pb.h"
#include "registry/domain/school_rules.h"

namespace gongtong::registry {

using gongtong::registry::v1::Community;
using gongtong::registry::v1::Pairing;

// ---- names ----------------------------------------------------------------

// ^[a-z0-9][a-z0-9-]{0,39}$
bool IsResourceId(std::string_view id);
std::string CommunityName(std::string_view community_id);
std::string PairingName(std::string_view community_id, std::string_view pairing_id);
// The id of "communities/{id}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseCommunityName(std::string_view name, const std::string& field);
struct PairingKey {
  std::string community_id;
  std::string pairing_id;
};
absl::StatusOr<PairingKey> ParsePairingName(std::string_view name, const std::string& field);
// ListPairings' parent: "communities/{id}" → id; "communities/-" → "" (all).
absl::StatusOr<std::string> ParsePairingParent(std::string_view parent, const std::string& field);
// A fresh id for a resource created without one ("c-…" / "p-…").
std::string GenerateResourceId(std::string_view prefix);

// ---- values ---------------------------------------------------------------

// True when year/month/day form a calendar date.
bool IsValidDate(const google::type::Date& d);
// -1, 0, 1.
int CompareDates(const google::type::Date& a, const google::type::Date& b);
// "YYYY-MM-DD" → Date; false when malformed or not a calendar date.
bool ParseIsoDate(std::string_view text, google::type::Date* out);
std::string IsoDate(const google::type::Date& d);
// The DOMAIN §2 name of a subject (语文 …) or its custom name.
std::string SubjectDisplayName(const gongtong::common::v1::Subject& s);
// The eight subjects paired in seed 003 (语文 数学 英语 科学 美术 音乐 劳技 班主任工作).
const std::vector<gongtong::common::v1::SubjectCode>& SeedPairingSubjects();

// ---- validation (INVALID_ARGUMENT) -----------------------------------------

// Characters (UTF-8 code points), not bytes: names are Chinese.
size_t Utf8Length(std::string_view s);
// A person: a valid "teachers/{id}" or a display name; names ≤ 100 characters.
void PersonViolations(const gongtong::common::v1::Person& p, const std::string& path, std::vector<Violation>* v);
// start_date required and valid; end_date, when set, valid and ≥ start.
void PeriodViolations(const gongtong::common::v1::DateRange& r, bool has_period, const std::string& path,
                      std::vector<Violation>* v);

// Every violation of the community's own fields; `prefix` is its request
// path, e.g. "community".
std::vector<Violation> CommunityViolations(const Community& c, const std::string& prefix);
// Every violation of the pairing's own fields; `prefix` e.g. "pairing".
std::vector<Violation> PairingViolations(const Pairing& p, const std::string& prefix);

// The school codes of a community: the core first, then the members in order
// (codes that do not parse are skipped).
std::vector<std::string> CommunitySchoolCodes(const Community& c);

// ---- against the database's facts (FAILED_PRECONDITION) ---------------------

struct SchoolFact {
  bool deleted = false;
  std::string region_code;
};
// By school code; a code that is absent does not exist.
using SchoolFacts = std::map<std::string, SchoolFact>;

// Every school the community names exists and is live.
absl::Status CommunitySchoolsLive(const Community& c, const SchoolFacts& facts, const std::string& prefix);
// A FUSED community's schools are in no other live fused community;
// `fused_elsewhere` maps a school code to the other fused community naming it.
absl::Status FusedExclusive(const Community& c, const std::map<std::string, std::string>& fused_elsewhere,
                            const std::string& prefix);
// Members with a live pairing (`paired_members`) stay members, and the core
// stays while the community has live pairings.
absl::Status KeepsPairedSchools(const Community& before, const Community& after,
                                const std::set<std::string>& paired_members, const std::string& prefix);
// Once the period has started (start_date ≤ today) the leading group has a
// leader (checked on update).
absl::Status LeaderOnceInForce(const Community& c, const google::type::Date& today, const std::string& prefix);
// The pairing's core is the community's core, its member one of the
// community's members, its period within the community's.
absl::Status PairingFitsCommunity(const Pairing& p, const Community& c, const std::string& prefix);
// Both schools of the pairing exist and are live.
absl::Status PairingSchoolsLive(const Pairing& p, const SchoolFacts& facts, const std::string& prefix);

// ---- a school's view of its communities (School.communities, fused_into) ----

// One live community a school belongs to, as core or member.
struct SchoolMembership {
  std::string community_id;
  gongtong::registry::v1::CommunityType type = gongtong::registry::v1::COMMUNITY_TYPE_UNSPECIFIED;
  std::string core_school_code;
};
// Sets the output-only fields of `school` from its live communities:
// `communities` = their names, sorted; `fused_into` = "schools/{core}" of the
// FUSED community it is a member (not the core) of, else empty. Returns
// whether either changed.
bool SetCommunityFields(std::vector<SchoolMembership> memberships, gongtong::registry::v1::School* school);

}  // namespace gongtong::registry
