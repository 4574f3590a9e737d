#pragma once
// RFC 5545 calendar feed (CalendarFeed in booking_requests.proto). Pure.
//
// The document: VCALENDAR (PRODID, VERSION:2.0, CALSCALE:GREGORIAN,
// METHOD:PUBLISH, X-WR-CALNAME, X-WR-TIMEZONE), one VTIMEZONE Asia/Shanghai
// (STANDARD, TZOFFSETFROM/TO +0800, TZNAME CST), one VEVENT per event with
// UID, DTSTAMP (now, UTC), DTSTART/DTEND;TZID=Asia/Shanghai, SEQUENCE, STATUS,
// SUMMARY, LOCATION, DESCRIPTION, LAST-MODIFIED (UTC). Text values escaped
// (\\ \; \, \n), CRLF line ends, lines folded at 75 octets never splitting a
// UTF-8 character.

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

struct IcalEvent {
  std::string uid;  // IcalUid(session_id): stable across changes
  int sequence = 0; // Session.sequence
  absl::CivilDay date;
  int start_min = 0;
  int end_min = 0;
  std::string status;  // CONFIRMED | TENTATIVE | CANCELLED (IcalStatus)
  std::string summary, location, description;
  absl::Time last_modified;
};

std::string RenderCalendar(const std::vector<IcalEvent>& events, absl::Time now, const std::string& calendar_name);

// TEXT value escaping: backslash, semicolon, comma escaped; a line break
// (LF, CRLF or CR) becomes "\n"; tab kept; other control characters dropped.
std::string EscapeText(std::string_view text);

// One content line folded at 75 octets (continuation lines start with a
// space, which counts), never inside a UTF-8 character; every physical line
// ends with CRLF.
std::string FoldLine(std::string_view line);

// "{session_id}@gongtong".
std::string IcalUid(std::string_view session_id);
// STATUS of a session in the feed: CONFIRMED (CONFIRMED, DELIVERED),
// TENTATIVE (PENDING_CONFIRMATION), CANCELLED (CANCELLED, NOT_DELIVERED); ""
// for HELD and UNSPECIFIED, which stay out of the feed.
std::string IcalStatus(v1::SessionState state);

// The feed's event of a stored session (server-filled window): UID from its
// name, SEQUENCE = sequence, the window's local date and times, STATUS from
// its state, SUMMARY "{subject} {topic}" (subject in Chinese),
// LAST-MODIFIED the audit's update time (else create time). `location` (the
// host classroom's name) and `description` come from the caller.
IcalEvent IcalEventOf(const v1::Session& session, const std::string& location, const std::string& description);

}  // namespace gongtong::booking
