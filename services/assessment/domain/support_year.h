#pragma once
// The school year of a support assignment and the quota it uses (DOMAIN §4,
// R-SUP-1, R-SUP-2): which term a date falls in, whether an activity's date is
// inside the assignment, and the unit's N+2 cap. Pure functions, no I/O.
//
// Reading (no calendar lookup in this layer): school year Y runs from
// Y-09-01 to (Y+1)-08-31; the autumn term is Y-09-01 … (Y+1)-01-31, the
// spring term (Y+1)-02-01 … (Y+1)-08-31. An assignment's period, when set,
// narrows the year further.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "gongtong/common/v1/time.pb.h"
#include "google/type/date.pb.h"

namespace gongtong::assessment {

using gongtong::common::v1::TermKind;

// A local calendar date, comparable as yyyymmdd.
struct LocalDate {
  int year = 0, month = 0, day = 0;
  int Key() const { return year * 10000 + month * 100 + day; }
  bool operator<(const LocalDate& o) const { return Key() < o.Key(); }
  bool operator==(const LocalDate& o) const { return Key() == o.Key(); }
  bool operator<=(const LocalDate& o) const { return Key() <= o.Key(); }
};
LocalDate FromProto(const google::type::Date& d);
google::type::Date ToProto(const LocalDate& d);
// "2025-03-14".
std::string IsoDate(const LocalDate& d);
// True for a real Gregorian date.
bool IsValidDate(const LocalDate& d);

// First and last day of school year `school_year`.
LocalDate YearStart(int school_year);
LocalDate YearEnd(int school_year);

// The term `date` falls in, or TERM_KIND_UNSPECIFIED when outside the year.
TermKind TermOf(int school_year, const LocalDate& date);
// "autumn" / "spring" (resource-name segment); "" for UNSPECIFIED.
std::string TermSegment(TermKind term);
std::optional<TermKind> ParseTermSegment(const std::string& segment);

// The dates an assignment covers: its school year, narrowed by its period.
struct AssignmentSpan {
  int school_year = 0;
  std::optional<LocalDate> period_start, period_end;  // inclusive
};

// OK when `date` is a valid date inside the span; INVALID_ARGUMENT for an
// invalid date, FAILED_PRECONDITION (reason ACTIVITY_OUTSIDE_ASSIGNMENT)
// naming `field` when outside the assignment's year or period.
absl::Status CheckActivityDate(const AssignmentSpan& span, const LocalDate& date, const std::string& field);

// OK when `span`'s period (if any) lies inside its school year with start ≤
// end; INVALID_ARGUMENT naming "<prefix>.period" otherwise.
absl::Status CheckAssignmentPeriod(const AssignmentSpan& span, const std::string& prefix);

// R-SUP-1: a unit may send at most N + extra teachers a year. `places` is N
// as entered by the county (nullopt when not entered: FAILED_PRECONDITION
// QUOTA_NOT_SET); `used` the unit's live assignments of the year. When one
// more would exceed the cap: RESOURCE_EXHAUSTED SUPPORT_QUOTA_EXHAUSTED whose
// message states the cap and the count, with ErrorInfo metadata quota
// (`quota_name`), cap and count, and a google.rpc.QuotaFailure naming the quota.
absl::Status CheckQuota(const std::string& quota_name, std::optional<int> places, int extra, int used);

}  // namespace gongtong::assessment
