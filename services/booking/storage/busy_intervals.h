#pragma once
// Read-only occupancy for FindFreeSlots: the live sessions of resources, and
// of a region, per local date as minute intervals (domain/free_slots.h). A
// snapshot: booking a slot still goes through SessionStore::Create, which
// checks the same rows under the exclusion constraint.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "booking/domain/free_slots.h"
#include "common/pg/pool.h"

namespace gongtong::booking {

using IntervalsByDay = std::map<absl::CivilDay, std::vector<Interval>>;

// Live occupancy rows of any of `resources` (teachers/…, schools/…/classrooms/…,
// schools/…/classes/…) on local dates first..last; holds whose time lapsed do
// not count.
absl::StatusOr<IntervalsByDay> BusyIntervals(pg::Pool* pool, const std::vector<std::string>& resources,
                                             absl::CivilDay first, absl::CivilDay last, pg::Deadline deadline);

// Live sessions hosted in `region` (exact code) on local dates first..last,
// for the capacity rule (R-SYNC-7).
absl::StatusOr<IntervalsByDay> RegionSessions(pg::Pool* pool, const std::string& region, absl::CivilDay first,
                                              absl::CivilDay last, pg::Deadline deadline);

}  // namespace gongtong::booking
