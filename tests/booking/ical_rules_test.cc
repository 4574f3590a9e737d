// iCalendar feed (RFC 5545; CalendarFeed in booking_requests.proto): folding,
// escaping, STATUS mapping and the document's structure, checked by an
// in-test unfold and parse (no RFC 5545 library is installed here).
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "booking/domain/ical.h"
#include "common/strings.h"

namespace gongtong::booking {
namespace {

// The physical lines of a CRLF document (the last CRLF ends the last line).
std::vector<std::string> PhysicalLines(const std::string& doc) {
  EXPECT_TRUE(absl::EndsWith(doc, "\r\n"));
  std::vector<std::string> lines = absl::StrSplit(doc.substr(0, doc.size() - 2), "\r\n");
  return lines;
}

// RFC 5545 §3.1 unfolding: a CRLF followed by one space or tab is removed.
std::vector<std::string> Unfold(const std::string& doc) {
  std::vector<std::string> out;
  for (const std::string& line : PhysicalLines(doc)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      EXPECT_FALSE(out.empty());
      out.back() += line.substr(1);
    } else {
      out.push_back(line);
    }
  }
  return out;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every physical line ≤ 75 octets and valid UTF-8 on its own.
void ExpectFolded(const std::string& doc) {
  for (const std::string& line : PhysicalLines(doc)) {
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(ValidUtf8(line)) << "a UTF-8 character was split: " << line;
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_EQ(line.find('\n'), std::string::npos);
  }
}

// RFC 5545 TEXT unescaping, the inverse of EscapeText.
std::string Unescape(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[++i];
      out += (n == 'n' || n == 'N') ? '\n' : n;
    } else {
      out += v[i];
    }
  }
  return out;
}

const std::string kLongChinese =
    "仙居县第一小学与淡竹乡中心小学同步课堂：《秋天的雨》第二课时，共同备课、共同上课、共同批改，"
    "课后同步作业与同步辅导；请两校教师提前十分钟进入直播教室调试设备。";

struct FoldRow {
  const char* rule_case;
  std::string line;
};
void PrintTo(const FoldRow& r, std::ostream* os) { *os << r.rule_case; }

class FoldLineTest : public ::testing::TestWithParam<FoldRow> {};

TEST_P(FoldLineTest, FoldsAt75OctetsAndUnfoldsBack) {
  const std::string folded = FoldLine(GetParam().line);
  ExpectFolded(folded);
  const auto unfolded = Unfold(folded);
  ASSERT_EQ(unfolded.size(), 1u);
  EXPECT_EQ(unfolded[0], GetParam().line);
}

INSTANTIATE_TEST_SUITE_P(
    Ical, FoldLineTest,
    ::testing::Values(FoldRow{"short line unchanged", "VERSION:2.0"},
                      FoldRow{"exactly 75 octets: one line", "X:" + std::string(73, 'a')},
                      FoldRow{"76 octets: two lines", "X:" + std::string(74, 'a')},
                      FoldRow{"long ASCII", "DESCRIPTION:" + std::string(400, 'x')},
                      FoldRow{"long Chinese (3-octet characters)", "SUMMARY:" + kLongChinese + kLongChinese},
                      FoldRow{"Chinese after an odd ASCII prefix", "LOCATION:a" + kLongChinese},
                      FoldRow{"4-octet characters", "SUMMARY:" + std::string(40, 'b') + "😀😀😀😀😀😀😀😀😀😀😀😀"}));

TEST(FoldBoundaryTest, ChineseLinesAreSplitOnCharacterBoundaries) {
  const std::string folded = FoldLine("SUMMARY:" + kLongChinese);
  const auto lines = PhysicalLines(folded);
  ASSERT_GT(lines.size(), 2u);
  // "SUMMARY:" is 8 octets, 22 characters of 3 make 74 ≤ 75; the next would be 77.
  EXPECT_EQ(lines[0].size(), 74u);
  // Continuations: a space + 24 characters = 73 octets.
  EXPECT_EQ(lines[1].size(), 73u);
}

struct EscapeRow {
  const char* rule_case;
  std::string text, escaped;
  bool round_trip = true;  // false where escaping loses something (CR, control characters)
};
void PrintTo(const EscapeRow& r, std::ostream* os) { *os << r.rule_case; }

class EscapeTextTest : public ::testing::TestWithParam<EscapeRow> {};

TEST_P(EscapeTextTest, Row) {
  EXPECT_EQ(EscapeText(GetParam().text), GetParam().escaped);
  if (GetParam().round_trip) {
    EXPECT_EQ(Unescape(GetParam().escaped), GetParam().text);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ical, EscapeTextTest,
    ::testing::Values(EscapeRow{"plain", "数学 分数的意义", "数学 分数的意义"},
                      EscapeRow{"comma", "语文,数学", "语文\\,数学"},
                      EscapeRow{"semicolon", "a;b", "a\\;b"},
                      EscapeRow{"backslash", "C:\\课件", "C:\\\\课件"},
                      EscapeRow{"newline", "第一行\n第二行", "第一行\\n第二行"},
                      EscapeRow{"CRLF is one line break", "a\r\nb", "a\\nb", false},
                      EscapeRow{"Chinese punctuation is left alone", "课题：《秋天的雨》，第二课时；", "课题：《秋天的雨》，第二课时；"},
                      EscapeRow{"colon is not escaped", "08:00", "08:00"},
                      EscapeRow{"tab kept, other control characters dropped", std::string("a\tb\x01" "c\x7f"), "a\tbc", false}));

struct StatusRow {
  v1::SessionState state;
  std::string status;
};
void PrintTo(const StatusRow& r, std::ostream* os) { *os << v1::SessionState_Name(r.state); }

class IcalStatusTest : public ::testing::TestWithParam<StatusRow> {};

TEST_P(IcalStatusTest, Row) { EXPECT_EQ(IcalStatus(GetParam().state), GetParam().status); }

INSTANTIATE_TEST_SUITE_P(Ical, IcalStatusTest,
                         ::testing::Values(StatusRow{v1::SESSION_STATE_CONFIRMED, "CONFIRMED"},
                                           StatusRow{v1::SESSION_STATE_DELIVERED, "CONFIRMED"},
                                           StatusRow{v1::SESSION_STATE_PENDING_CONFIRMATION, "TENTATIVE"},
                                           StatusRow{v1::SESSION_STATE_CANCELLED, "CANCELLED"},
                                           StatusRow{v1::SESSION_STATE_NOT_DELIVERED, "CANCELLED"},
                                           StatusRow{v1::SESSION_STATE_HELD, ""},
                                           StatusRow{v1::SESSION_STATE_UNSPECIFIED, ""}));

absl::Time Utc(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

// The unfolded content lines of each component, as NAME(;params) → value.
struct Parsed {
  std::vector<std::string> begins;  // component names in order
  std::vector<std::multimap<std::string, std::string>> components;
};

Parsed Parse(const std::string& doc) {
  Parsed p;
  for (const std::string& line : Unfold(doc)) {
    const size_t colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << line;
    const std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    if (name == "BEGIN") {
      p.begins.push_back(value);
      p.components.emplace_back();
    } else if (name != "END") {
      p.components.back().emplace(name, value);
    }
  }
  return p;
}

TEST(RenderCalendarTest, DocumentParsesBack) {
  IcalEvent confirmed{IcalUid("s-20261123-a"), 2, absl::CivilDay(2026, 11, 23), 8 * 60, 8 * 60 + 40, "CONFIRMED",
                      "语文 " + kLongChinese, "仙居县第一小学 录播教室1", "主讲：王老师,接收：淡竹乡中心小学;三年级(2)班\n请提前调试",
                      Utc("2026-11-20T02:03:04Z")};
  IcalEvent cancelled{IcalUid("s-20261124-b"), 5, absl::CivilDay(2026, 11, 24), 13 * 60 + 30, 14 * 60 + 10,
                      IcalStatus(v1::SESSION_STATE_CANCELLED), "数学 分数", "录播教室2", "", Utc("2026-11-21T00:00:00Z")};
  const std::string doc = RenderCalendar({confirmed, cancelled}, Utc("2026-11-22T04:00:00Z"), "王老师的同步课堂");
  ExpectFolded(doc);
  EXPECT_TRUE(absl::StartsWith(doc, "BEGIN:VCALENDAR\r\n"));
  EXPECT_TRUE(absl::EndsWith(doc, "END:VCALENDAR\r\n"));

  const Parsed p = Parse(doc);
  ASSERT_EQ(p.begins, (std::vector<std::string>{"VCALENDAR", "VTIMEZONE", "STANDARD", "VEVENT", "VEVENT"}));
  const auto& cal = p.components[0];
  EXPECT_EQ(cal.find("VERSION")->second, "2.0");
  EXPECT_EQ(cal.find("CALSCALE")->second, "GREGORIAN");
  EXPECT_EQ(cal.find("METHOD")->second, "PUBLISH");
  EXPECT_EQ(cal.count("PRODID"), 1u);
  EXPECT_EQ(cal.find("X-WR-CALNAME")->second, "王老师的同步课堂");
  EXPECT_EQ(cal.find("X-WR-TIMEZONE")->second, "Asia/Shanghai");
  EXPECT_EQ(p.components[1].find("TZID")->second, "Asia/Shanghai");
  const auto& standard = p.components[2];
  EXPECT_EQ(standard.find("TZOFFSETFROM")->second, "+0800");
  EXPECT_EQ(standard.find("TZOFFSETTO")->second, "+0800");
  EXPECT_EQ(standard.find("TZNAME")->second, "CST");
  EXPECT_EQ(standard.count("DTSTART"), 1u);

  const auto& e1 = p.components[3];
  EXPECT_EQ(e1.find("UID")->second, "s-20261123-a@gongtong");
  EXPECT_EQ(e1.find("DTSTAMP")->second, "20261122T040000Z");
  EXPECT_EQ(e1.find("DTSTART;TZID=Asia/Shanghai")->second, "20261123T080000");
  EXPECT_EQ(e1.find("DTEND;TZID=Asia/Shanghai")->second, "20261123T084000");
  EXPECT_EQ(e1.find("SEQUENCE")->second, "2");
  EXPECT_EQ(e1.find("STATUS")->second, "CONFIRMED");
  EXPECT_EQ(Unescape(e1.find("SUMMARY")->second), "语文 " + kLongChinese);
  EXPECT_EQ(Unescape(e1.find("LOCATION")->second), "仙居县第一小学 录播教室1");
  EXPECT_EQ(Unescape(e1.find("DESCRIPTION")->second), "主讲：王老师,接收：淡竹乡中心小学;三年级(2)班\n请提前调试");
  EXPECT_EQ(e1.find("LAST-MODIFIED")->second, "20261120T020304Z");

  const auto& e2 = p.components[4];
  EXPECT_EQ(e2.find("UID")->second, "s-20261124-b@gongtong");
  EXPECT_EQ(e2.find("STATUS")->second, "CANCELLED");
  EXPECT_EQ(e2.find("SEQUENCE")->second, "5");
  EXPECT_EQ(e2.find("DTSTART;TZID=Asia/Shanghai")->second, "20261124T133000");
  EXPECT_EQ(e2.find("DTEND;TZID=Asia/Shanghai")->second, "20261124T141000");
}

TEST(IcalEventOfTest, FromAStoredSession) {
  v1::Session s;
  s.set_name("sessions/s-42");
  s.set_sequence(3);
  s.set_state(v1::SESSION_STATE_PENDING_CONFIRMATION);
  s.mutable_subject()->set_code(common::v1::SUBJECT_CODE_CHINESE);
  s.set_topic("秋天的雨");
  auto* w = s.mutable_window();
  w->mutable_date()->set_year(2026), w->mutable_date()->set_month(11), w->mutable_date()->set_day(23);
  w->mutable_start_time()->set_hours(8);
  w->mutable_end_time()->set_hours(8), w->mutable_end_time()->set_minutes(40);
  s.mutable_audit()->mutable_create_time()->set_seconds(1000);
  s.mutable_audit()->mutable_update_time()->set_seconds(2000);
  const IcalEvent e = IcalEventOf(s, "录播教室1", "说明");
  EXPECT_EQ(e.uid, "s-42@gongtong");
  EXPECT_EQ(e.sequence, 3);
  EXPECT_EQ(e.date, absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(e.start_min, 8 * 60);
  EXPECT_EQ(e.end_min, 8 * 60 + 40);
  EXPECT_EQ(e.status, "TENTATIVE");
  EXPECT_EQ(e.summary, "语文 秋天的雨");
  EXPECT_EQ(e.location, "录播教室1");
  EXPECT_EQ(e.description, "说明");
  EXPECT_EQ(e.last_modified, absl::FromUnixSeconds(2000));
}

TEST(RenderCalendarTest, EmptyFeedStillHasTheTimezone) {
  const Parsed p = Parse(RenderCalendar({}, Utc("2026-11-22T04:00:00Z"), "空"));
  EXPECT_EQ(p.begins, (std::vector<std::string>{"VCALENDAR", "VTIMEZONE", "STANDARD"}));
}

}  // namespace
}  // namespace gongtong::booking
