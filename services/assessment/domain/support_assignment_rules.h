#pragma once
// The fields of a new support assignment and of resource names (issue 5,
// R-SUP-1): formats only — the registry is another service, so whether the
// teacher belongs to the sending school is not checked here. Pure, no I/O.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "assessment/domain/support_access.h"
#include "assessment/domain/support_year.h"
#include "gongtong/assessment/v1/support.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

// The code of "schools/{10 digits}"; INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseSchool(std::string_view name, const std::string& field);
// The id of "teachers/{id}" (id: [A-Za-z0-9_-]{1,64}); INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseTeacher(std::string_view name, const std::string& field);
// True for a client-chosen id: ^[a-z0-9][a-z0-9-]{0,39}$.
bool IsResourceId(std::string_view id);
// The id after `prefix` in `name` ("supportAssignments/{id}" with prefix
// "supportAssignments/"), optionally followed by `suffix`; INVALID_ARGUMENT
// naming `field` when malformed.
absl::StatusOr<std::string> ParseId(std::string_view name, std::string_view prefix, const std::string& field);

// Checks a new assignment (prefix "support_assignment"): teacher and schools
// well-formed, 1..3 distinct receiving schools other than the sending one,
// school year 2000..2100, kind set, period inside the year. Fills `scope`
// (without region) and `span`.
absl::Status CheckNewAssignment(const av1::SupportAssignment& a, AssignmentScope* scope, AssignmentSpan* span);

// The scope and span of a stored assignment.
AssignmentScope ScopeOf(const av1::SupportAssignment& a, const std::string& region);
AssignmentSpan SpanOf(const av1::SupportAssignment& a);

}  // namespace gongtong::assessment
