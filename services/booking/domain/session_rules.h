#pragma once
// Shape checks of booking requests (INVALID_ARGUMENT, every violation as a
// BadRequest field named as in the proto and prefixed by the request field,
// e.g. "session.receivers[2].school_class"), and resource-name parsing. Pure:
// whether the names exist, are paired, are of the right school... is checked
// against the registry by the storage layer (FAILED_PRECONDITION/NOT_FOUND).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/booking/v1/session.pb.h"
#include "registry/domain/school_rules.h"

namespace gongtong::booking {

inline constexpr int kMaxReceivers = 32;
inline constexpr int kMaxTopicChars = 100;
inline constexpr int kMaxReasonChars = 500;
inline constexpr int kMaxOverrideReasonChars = 200;
inline constexpr int kMaxNotesChars = 2000;
inline constexpr int kMaxAttendanceNoteChars = 500;

// Session fields (reason "SESSION_INVALID"):
//   host.teacher "teachers/{id}"; host.classroom
//   "schools/{10 digits}/classrooms/{id}"; host.school_class and
//   receivers[i].school_class "schools/{10 digits}/classes/{id}" (ids
//   ^[a-z0-9][a-z0-9-]{0,39}$); receivers 1..32, distinct, none the host class;
//   subject.code set (OTHER needs custom_name 1–20 characters, others none);
//   mode set; topic ≤ 100 characters (UTF-8 characters, not bytes), required
//   unless `hold`; window.date a full date; host_period ≥ 0: > 0 (start/end may
//   be empty) or 0 with window.start_time < window.end_time, both set with
//   minute precision. lesson_plan optional.
absl::Status ValidateSessionShape(const v1::Session& session, bool hold, const std::string& prefix = "session");
// The same checks as a list (field, description, zh), for callers that name
// fields differently (a series template) or merge them with their own.
std::vector<registry::Violation> SessionViolations(const v1::Session& session, bool hold, const std::string& prefix);

// The classes of a session a delivery record covers: the host class, then
// every receiving class not DECLINED, in the session's order.
std::vector<std::string> SessionClasses(const v1::Session& session);

// `reason` has 1..max_chars UTF-8 characters and is not only whitespace
// (INVALID_ARGUMENT naming `field`).
absl::Status ValidateReason(const std::string& reason, const std::string& field, int max_chars);
// CancelSession: reason_code a known code but not UNSPECIFIED or
// HOLD_EXPIRED (service only) → "reason_code"; reason 1..500 → "reason".
absl::Status ValidateCancellation(v1::CancellationReason code, const std::string& reason);
// MarkSessionNotDelivered: reason_code known, not UNSPECIFIED; reason 1..500.
absl::Status ValidateNotDelivered(v1::NotDeliveredReason code, const std::string& reason);

// A delivery record against the classes of the session (host class and the
// non-declined receivers' classes): every class present exactly once, no
// foreign class, 0 ≤ pupils_present ≤ pupils_enrolled (callers fill an unset
// pupils_enrolled from the registry before checking), notes and homework
// description ≤ 2000 characters, attendance note ≤ 500, co_marked_count ≥ 0,
// actual_end_time after actual_start_time when both are set.
absl::Status ValidateDeliveryRecord(const v1::DeliveryRecord& record, const std::vector<std::string>& session_classes,
                                    const std::string& prefix = "delivery_record");

// "sessions/{id}" → id, else INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseSessionName(const std::string& name, const std::string& field);
// "schools/{code}" or "schools/{code}/..." → the 10-digit code, else
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> SchoolOfResource(const std::string& name, const std::string& field);
// ^[a-z0-9][a-z0-9-]{0,39}$ (client-chosen and generated resource ids).
bool ValidClientId(const std::string& id);

// Number of UTF-8 characters (code points) of `text`.
int Utf8Length(std::string_view text);
// "sessions/{id}".
std::string SessionName(std::string_view id);

}  // namespace gongtong::booking
