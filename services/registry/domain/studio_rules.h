#pragma once
// Rules for secretary studios (书记工作室) (DOMAIN §2 "Secretary studio",
// seed 004; R-ACT-5; registry/v1/party.proto SecretaryStudio). Pure
// functions, no I/O: whether the host school exists is passed in as a fact.
//
//   R-STUDIO-1  1–100-character name; region_code a 6-digit county code;
//               stage set (INVALID_ARGUMENT).
//   R-STUDIO-2  members: at most 60; each with a role and a valid person;
//               exactly one HOST (主持人) and at least one MEMBER_SECRETARY
//               (入室书记); a person (teacher, else name) at most once
//               (INVALID_ARGUMENT "…members").
//   R-STUDIO-3  cycle: start_date and end_date both set, end ≥ start, at
//               most 3 years apart (R-ACT-5's cycle is 2 years)
//               (INVALID_ARGUMENT "…cycle").
//   R-STUDIO-4  host_school, when set, is "schools/{code}" (INVALID_ARGUMENT),
//               exists (NOT_FOUND) and is live (FAILED_PRECONDITION).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/registry/v1/party.pb.h"
#include "registry/domain/community_rules.h"

namespace gongtong::registry {

using gongtong::registry::v1::SecretaryStudio;

std::string SecretaryStudioName(std::string_view studio_id);
// The id of "secretaryStudios/{id}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseSecretaryStudioName(std::string_view name, const std::string& field);

// R-STUDIO-1…4 (own fields); `prefix` e.g. "secretary_studio".
std::vector<Violation> SecretaryStudioViolations(const SecretaryStudio& s, const std::string& prefix);

// The host school's code, "" when none or malformed.
std::string StudioHostSchoolCode(const SecretaryStudio& s);

// R-STUDIO-4 against the database: the host school (if any) is in `schools`
// and not deleted.
absl::Status StudioHostSchoolLive(const SecretaryStudio& s, const SchoolFacts& schools, const std::string& prefix);

}  // namespace gongtong::registry
