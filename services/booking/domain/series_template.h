#pragma once
// A series' SessionTemplate (series.proto) as the sessions of its
// occurrences, and the template's shape check. Pure.

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gongtong/booking/v1/series.pb.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

// The session of occurrence `n` (1-based) of a series on `date`: host,
// receivers (school_class only), subject, mode, lesson_plan from the
// template; topic with every "{n}" replaced by n; window.date = date and
// either host_period or the explicit start/end times. Output-only fields and
// `series` are left to the caller.
v1::Session OccurrenceOf(const v1::SessionTemplate& t, absl::CivilDay date, int n);

// The template's own fields, with ValidateSessionShape's rules (topic
// required, as for a booking), INVALID_ARGUMENT naming the template's fields:
// "series.session_template.host.teacher", "...receiving_classes[i]",
// "...start_time", "...end_time", "...topic"...; and
// bell_schedule_override_reason at most 200 characters when set.
absl::Status ValidateTemplateShape(const v1::SessionTemplate& t);

}  // namespace gongtong::booking
