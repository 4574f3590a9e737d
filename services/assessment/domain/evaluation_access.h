#pragma once
// Who may do what in community evaluation (issue 5 "Access"; DOMAIN §7).
// Pure; each check answers PERMISSION_DENIED with a zh-CN message, before any
// validation of the request.
//
//   schemes        read: every role. write: province admin, service; county
//                  bureau for a region within its prefix; the built-in
//                  default never (FAILED_PRECONDITION "SCHEME_READ_ONLY").
//   declarations,  write: the school's admin (a project also by the
//   self-assess.   community core's admin); read: the school, and county
//                  bureaus covering the school's region, province, service.
//   review scores  write: county bureau covering the school's region,
//                  province admin; read: those, and the school once the run
//                  is finalised.
//   runs           create/finalise: county bureau of the region, province
//                  admin, service (county bureaus run evaluation for their
//                  region).
//   results        read: county bureau of the region, province, service;
//                  a school (admin or teacher) its own school's results of a
//                  finalised run, nothing else.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace gongtong::assessment {

// PERMISSION_DENIED "PERMISSION_DENIED": "not allowed to <what>" / "无权<zh>"
// (shared by the evaluation and Party access rules).
absl::Status AccessDenied(const std::string& what, const std::string& zh);

absl::Status MayWriteScheme(const auth::Principal& p, std::string_view scheme_region);
absl::Status MayFileForSchool(const auth::Principal& p, std::string_view school_code,
                              std::string_view core_school_code);
absl::Status MayReadSchoolInputs(const auth::Principal& p, std::string_view school_code,
                                 std::string_view school_region);
absl::Status MayWriteReview(const auth::Principal& p, std::string_view school_region);
absl::Status MayRunEvaluation(const auth::Principal& p, std::string_view region);
// Reading one school's result of a run in `run_region`.
absl::Status MayReadSchoolResult(const auth::Principal& p, std::string_view run_region,
                                 std::string_view school_code, bool run_finalised);
// Reading a whole run (every community's results, the CSV export).
absl::Status MayReadRun(const auth::Principal& p, std::string_view run_region);
// Listing evaluation inputs at all: schools (admin, teacher) their own,
// county bureaus their region, province and service everything; other
// roles PERMISSION_DENIED before anything is read.
absl::Status MayListInputs(const auth::Principal& p);
// Reading one review score: county of its region, province, service; its
// school once a finalised run of its region and year used it.
absl::Status MayReadReviewScore(const auth::Principal& p, std::string_view school_code,
                                std::string_view school_region, bool used_by_finalised_run);
// The region prefix whose runs `p` may list ("" = all).
absl::StatusOr<std::string> RunListPrefix(const auth::Principal& p);

}  // namespace gongtong::assessment
