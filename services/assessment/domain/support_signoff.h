#pragma once
// The sign-off of a term summary (R-SUP-4) as a state machine: the receiving
// schools confirm → the township head signs → the county office receives.
// Each step needs the one before (FAILED_PRECONDITION SIGNOFF_OUT_OF_ORDER),
// is taken only by its role for its own unit (PERMISSION_DENIED: nobody signs
// for another unit), and any change to the term's records or the summary
// voids every signature (back to DRAFT). After COUNTY_RECEIVED the term is
// locked. Pure functions, no I/O.

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "gongtong/assessment/v1/support.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

struct Signoff {
  av1::SummaryState state = av1::SUMMARY_STATE_DRAFT;
  std::set<std::string> confirmed_schools;  // "schools/{code}"
  std::set<std::string> signed_townships;   // 9-digit township codes
  std::string county;                       // region code of the receipt
};

// What the step is checked against.
struct SignoffContext {
  std::set<std::string> schools_with_records;  // "schools/{code}" of the term's records
  std::set<std::string> receiving_schools;     // "schools/{code}" of the assignment
  // 9-digit codes of the townships of those schools when known; empty means
  // unknown, and then one township head of the assignment's county suffices.
  std::set<std::string> townships;
  std::string assignment_region;  // region (prefix) of the sending school's county
  int records = 0;                // live records in the term
  int records_missing_evidence = 0;
};

// The signature `step` by `who`; returns the new sign-off and, in `unit`, for
// whom it was given ("schools/{code}", township code or county region).
absl::StatusOr<Signoff> ApplySignature(const Signoff& current, av1::SignatureStep step, const auth::Principal& who,
                                       const SignoffContext& ctx, std::string* unit);

// Any change to the term's records or narrative: every signature is voided.
// Returns DRAFT with no signatures; FAILED_PRECONDITION TERM_LOCKED when the
// county already received the summary.
absl::StatusOr<Signoff> VoidOnChange(const Signoff& current);

// True when VoidOnChange would drop a signature.
bool HasSignatures(const Signoff& s);

}  // namespace gongtong::assessment
