#pragma once
// Which filings a school owes for a year and how each stands (R-EVAL-3:
// late or missing submissions are visible, never silent zeros), and when an
// evaluation input may still change. Pure: no I/O.
//
//   RequiredFilings  per school of a community under a scheme: one
//                    declaration when the scheme has a project or feature
//                    component the community type assesses (the core: a
//                    project; a member: project or feature, whichever it
//                    declared), and one self-assessment per component the
//                    type assesses — of an alternative group ("year_end")
//                    only the one the school declared (feature only when
//                    declared; else project).
//   StatusOf         filed → ON_TIME or LATE (the flag stored when filed);
//                    not filed with the deadline passed → MISSING (a draft
//                    may exist); before it → DRAFT when one exists, else
//                    NOT_YET_DUE. A declaration is due at year start: by the
//                    earliest self-assessment deadline of the scheme's year.
//   InputEditable    a declaration or self-assessment changes only while a
//                    live DRAFT; a review score only while live and no
//                    finalised run of its region and year used it
//                    (FAILED_PRECONDITION naming the input's `name` field).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gongtong/assessment/v1/evaluation_input.pb.h"
#include "gongtong/assessment/v1/evaluation_input_requests.pb.h"
#include "gongtong/assessment/v1/scheme.pb.h"
#include "google/type/date.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

// What is stored about one filing (a declaration or a self-assessment).
struct FiledInput {
  std::string name;  // "declarations/{id}" or "selfAssessments/{id}"
  bool filed = false;
  av1::Filing filing;
  av1::DeclarationKind declared = av1::DECLARATION_KIND_UNSPECIFIED;  // declarations only
};

struct RequiredFiling {
  av1::FilingKind kind = av1::FILING_KIND_UNSPECIFIED;
  std::string component_id;  // self-assessments
  std::optional<google::type::Date> deadline;
};

// The filings a school owes in a community of `type` for `school_year`.
// `declared`: the kind of the school's live declaration, if any.
std::vector<RequiredFiling> RequiredFilings(const av1::EvaluationScheme& scheme,
                                            gongtong::registry::v1::CommunityType type, bool core,
                                            av1::DeclarationKind declared, int school_year);

// The status of a required filing on local date `today`; `input` is the
// stored one (nullptr when none).
av1::SubmissionStatus StatusOf(const RequiredFiling& required, const FiledInput* input,
                               const google::type::Date& today);

enum class InputKind { kDeclaration, kSelfAssessment, kReviewScore };
// FAILED_PRECONDITION when the input may not change any more (see above).
absl::Status InputEditable(InputKind kind, bool deleted, bool filed, bool used_by_finalised_run);

}  // namespace gongtong::assessment
