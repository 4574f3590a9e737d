#include "booking/domain/ical.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "booking/domain/civil.h"
#include "registry/domain/community_rules.h"

namespace gongtong::booking {
namespace {

constexpr size_t kMaxOctets = 75;

std::string UtcStamp(absl::Time t) { return absl::FormatTime("%Y%m%dT%H%M%SZ", t, absl::UTCTimeZone()); }

std::string LocalStamp(absl::CivilDay day, int minute_of_day) {
  const absl::CivilMinute m = absl::CivilMinute(day) + minute_of_day;
  return absl::StrFormat("%04d%02d%02dT%02d%02d00", static_cast<int>(m.year()), m.month(), m.day(), m.hour(),
                         m.minute());
}

void Line(std::string* out, std::string_view line) { out->append(FoldLine(line)); }

}  // namespace

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        out += "\\n";
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        break;
      case '\t': out += c; break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 §3.3.11): dropped.
        if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7F)) out += c;
    }
  }
  return out;
}

std::string FoldLine(std::string_view line) {
  std::string out;
  size_t budget = kMaxOctets;  // the first line; continuations lose one octet to the space
  while (true) {
    if (line.size() <= budget) {
      out.append(line.data(), line.size());
      out += "\r\n";
      return out;
    }
    size_t cut = budget;
    // Never cut before a UTF-8 continuation byte (10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = budget;  // not UTF-8: cut anyway rather than loop
    out.append(line.data(), cut);
    out += "\r\n ";
    line.remove_prefix(cut);
    budget = kMaxOctets - 1;
  }
}

std::string IcalUid(std::string_view session_id) { return absl::StrCat(std::string(session_id), "@gongtong"); }

std::string IcalStatus(v1::SessionState state) {
  switch (state) {
    case v1::SESSION_STATE_CONFIRMED:
    case v1::SESSION_STATE_DELIVERED:
      return "CONFIRMED";
    case v1::SESSION_STATE_PENDING_CONFIRMATION:
      return "TENTATIVE";
    case v1::SESSION_STATE_CANCELLED:
    case v1::SESSION_STATE_NOT_DELIVERED:
      return "CANCELLED";
    default:
      return "";
  }
}

IcalEvent IcalEventOf(const v1::Session& session, const std::string& location, const std::string& description) {
  IcalEvent e;
  const std::string& name = session.name();
  e.uid = IcalUid(name.substr(name.find('/') + 1));
  e.sequence = session.sequence();
  e.date = ToCivilDay(session.window().date());
  e.start_min = MinuteOfDay(session.window().start_time()).value_or(0);
  e.end_min = MinuteOfDay(session.window().end_time()).value_or(0);
  e.status = IcalStatus(session.state());
  e.summary = absl::StrCat(registry::SubjectDisplayName(session.subject()), " ", session.topic());
  e.location = location;
  e.description = description;
  const auto& audit = session.audit();
  const auto& modified = audit.has_update_time() ? audit.update_time() : audit.create_time();
  e.last_modified = absl::FromUnixSeconds(modified.seconds()) + absl::Nanoseconds(modified.nanos());
  return e;
}

std::string RenderCalendar(const std::vector<IcalEvent>& events, absl::Time now, const std::string& calendar_name) {
  std::string out;
  Line(&out, "BEGIN:VCALENDAR");
  Line(&out, "PRODID:-//Gongtong//Booking//ZH-CN");
  Line(&out, "VERSION:2.0");
  Line(&out, "CALSCALE:GREGORIAN");
  Line(&out, "METHOD:PUBLISH");
  Line(&out, "X-WR-CALNAME:" + EscapeText(calendar_name));
  Line(&out, "X-WR-TIMEZONE:Asia/Shanghai");
  Line(&out, "BEGIN:VTIMEZONE");
  Line(&out, "TZID:Asia/Shanghai");
  Line(&out, "BEGIN:STANDARD");
  Line(&out, "DTSTART:19700101T000000");
  Line(&out, "TZOFFSETFROM:+0800");
  Line(&out, "TZOFFSETTO:+0800");
  Line(&out, "TZNAME:CST");
  Line(&out, "END:STANDARD");
  Line(&out, "END:VTIMEZONE");
  const std::string stamp = UtcStamp(now);
  for (const IcalEvent& e : events) {
    Line(&out, "BEGIN:VEVENT");
    Line(&out, "UID:" + EscapeText(e.uid));
    Line(&out, "DTSTAMP:" + stamp);
    Line(&out, "DTSTART;TZID=Asia/Shanghai:" + LocalStamp(e.date, e.start_min));
    Line(&out, "DTEND;TZID=Asia/Shanghai:" + LocalStamp(e.date, e.end_min));
    Line(&out, absl::StrCat("SEQUENCE:", e.sequence));
    Line(&out, "STATUS:" + e.status);
    Line(&out, "SUMMARY:" + EscapeText(e.summary));
    Line(&out, "LOCATION:" + EscapeText(e.location));
    Line(&out, "DESCRIPTION:" + EscapeText(e.description));
    Line(&out, "LAST-MODIFIED:" + UtcStamp(e.last_modified));
    Line(&out, "END:VEVENT");
  }
  Line(&out, "END:VCALENDAR");
  return out;
}

}  // namespace gongtong::booking
