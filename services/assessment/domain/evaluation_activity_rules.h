#pragma once
// Which joint activities count towards the R-ACT-1 indicator
// JOINT_ACTIVITIES_HELD (DOMAIN §5: a research community holds ≥ 4
// concentrated activities a term). Pure.
//
// Reading: only ACTIVITY_KIND_CONCENTRATED_RESEARCH (集中研修 / 集中教研) is a
// "concentrated activity". Lesson study (2 a term), study trips (≥ 1 a term)
// and the summer intensive are R-ACT-1 requirements of their own, and every
// other kind belongs to R-ACT-2 … R-ACT-5 or to no requirement, so none of
// them counts towards the 4. An activity counts once, whatever its length
// (half_days 1, 2 or unset) and whether held online, towards its organizer
// community in the term the scheduling service stamped on it (its first
// day's term): never one organised by a Party relation, organisation or
// studio, never one not HELD, never one without a valid term (school year
// 2000..2100 and AUTUMN or SPRING; the date is not re-read here).

#include "assessment/domain/evaluation_indicators.h"
#include "gongtong/scheduling/v1/activity.pb.h"

namespace gongtong::assessment {

// Why an activity counts or not.
enum class ActivityVerdict {
  kCounts,
  kNotHeld,           // PLANNED, CANCELLED or unset
  kNotConcentrated,   // its kind is not a concentrated activity
  kNotCommunity,      // organised by something else than a community
  kNoTerm,            // no valid school year and term
};

// True for the kinds R-ACT-1 counts as concentrated activities.
bool IsConcentratedActivityKind(gongtong::scheduling::v1::ActivityKind kind);

struct ActivityCount {
  ActivityVerdict verdict = ActivityVerdict::kNotHeld;
  IndicatorKey key;  // set when verdict is kCounts: JOINT_ACTIVITIES_HELD,
                     // "communities/{id}", school year, term
};

// What `activity` (as published with ActivityHeld) counts towards.
ActivityCount JointActivityCountOf(const gongtong::scheduling::v1::Activity& activity);

}  // namespace gongtong::assessment
