// Bulk import of bell schedules (ImportRows, import.proto): a CSV row is one
// period, contiguous rows of one school_code + bell_schedule_id make one
// schedule; JSON rows are whole schedules; the field copy decides UPDATED
// vs UNCHANGED. One row per case.
#include <gtest/gtest.h>

#include <functional>

#include "registry/domain/bell_schedule_import.h"

namespace gongtong::registry {
namespace {

using namespace gongtong::registry::v1;

const std::vector<std::string> kColumns = {"school_code", "bell_schedule_id", "display_name", "season",
                                           "annual_start", "annual_end", "effective_start", "period_number",
                                           "period_kind", "start_time", "end_time", "days"};

ParsedBellRow Csv(const std::string& text, int64_t row = 2) {
  ImportRow r;
  r.set_row_number(row);
  r.set_text(text);
  return ParseBellScheduleRow(r, IMPORT_FORMAT_CSV, kColumns);
}

struct RowCase {
  std::string name;
  std::string text;
  std::string problem_field;
  std::function<void(const ParsedBellRow&)> expect;
};

TEST(BellScheduleImportRows, ParseOneCsvRowAsOnePeriod) {
  const std::vector<RowCase> cases = {
      {"summer lesson Monday to Friday", "2133102401,summer,夏季作息,SUMMER,05-01,09-30,2026-09-01,1,,08:00,08:40,1-5", "",
       [](const ParsedBellRow& r) {
         EXPECT_EQ(r.school_code, "2133102401");
         EXPECT_EQ(r.id, "summer");
         EXPECT_EQ(r.schedule.season(), BELL_SCHEDULE_SEASON_SUMMER);
         EXPECT_EQ(r.schedule.annual_start().month(), 5);
         EXPECT_EQ(r.schedule.annual_start().year(), 0);
         EXPECT_EQ(r.schedule.effective().start_date().year(), 2026);
         ASSERT_EQ(r.schedule.periods_size(), 1);
         const Period& p = r.schedule.periods(0);
         EXPECT_EQ(p.number(), 1);
         EXPECT_EQ(p.kind(), PERIOD_KIND_LESSON);  // empty = lesson
         EXPECT_EQ(p.start_time().hours(), 8);
         EXPECT_EQ(p.end_time().minutes(), 40);
         EXPECT_EQ(p.days_size(), 5);
         EXPECT_EQ(r.paths.front(), "periods");
       }},
      {"days by name", "2133102401,all,作息,ALL_YEAR,,,2026-09-01,9,SELF_STUDY,18:30,19:10,MON|wed|Fri", "",
       [](const ParsedBellRow& r) {
         const Period& p = r.schedule.periods(0);
         EXPECT_EQ(p.kind(), PERIOD_KIND_SELF_STUDY);
         ASSERT_EQ(p.days_size(), 3);
         EXPECT_EQ(p.days(1), google::type::WEDNESDAY);
       }},
      {"days by number", "2133102401,all,作息,ALL_YEAR,,,2026-09-01,1,,08:00,08:40,6|7", "",
       [](const ParsedBellRow& r) { EXPECT_EQ(r.schedule.periods(0).days(0), google::type::SATURDAY); }},
      {"bad time keeps the key", "2133102401,all,作息,ALL_YEAR,,,2026-09-01,1,,8点,08:40,1-5", "start_time",
       [](const ParsedBellRow& r) { EXPECT_EQ(r.id, "all"); }},
      {"bad days", "2133102401,all,作息,ALL_YEAR,,,2026-09-01,1,,08:00,08:40,weekdays", "days", nullptr},
      {"no days", "2133102401,all,作息,ALL_YEAR,,,2026-09-01,1,,08:00,08:40,", "days", nullptr},
      {"backwards day range", "2133102401,all,作息,ALL_YEAR,,,2026-09-01,1,,08:00,08:40,5-1", "days", nullptr},
      {"bad season", "2133102401,all,作息,春季,,,2026-09-01,1,,08:00,08:40,1-5", "season", nullptr},
      {"bad annual date", "2133102401,s,作息,SUMMER,5月1日,09-30,2026-09-01,1,,08:00,08:40,1-5", "annual_start",
       nullptr},
      {"bad effective date", "2133102401,s,作息,SUMMER,05-01,09-30,2026-9-1,1,,08:00,08:40,1-5", "effective_start",
       nullptr},
      {"period number not a number", "2133102401,s,作息,ALL_YEAR,,,2026-09-01,一,,08:00,08:40,1-5", "period_number",
       nullptr},
      {"wrong field count", "2133102401,s,作息", "text", nullptr},
  };
  for (const auto& c : cases) {
    ParsedBellRow r = Csv(c.text);
    EXPECT_EQ(r.problem.field, c.problem_field) << c.name << ": " << r.problem.reason;
    if (c.expect) c.expect(r);
  }
}

struct UnitCase {
  std::string name;
  std::vector<std::string> rows;
  size_t periods;
  std::string problem_field;
};

TEST(BellScheduleImportRows, ContiguousRowsMergeIntoOneSchedule) {
  const std::string head = "2133102401,all,作息,ALL_YEAR,,,2026-09-01,";
  const std::vector<UnitCase> cases = {
      {"two periods", {head + "1,,08:00,08:40,1-5", head + "2,,08:50,09:30,1-5"}, 2, ""},
      {"later rows may leave schedule fields empty",
       {head + "1,,08:00,08:40,1-5", "2133102401,all,,,,,,2,,08:50,09:30,1-5"}, 2, ""},
      {"a later row disagrees", {head + "1,,08:00,08:40,1-5", "2133102401,all,另一个,,,,,2,,08:50,09:30,1-5"}, 2,
       "display_name"},
      {"one bad row refuses the schedule", {head + "1,,08:00,08:40,1-5", head + "2,,8点50,09:30,1-5"}, 2,
       "start_time"},
  };
  for (const auto& c : cases) {
    std::vector<ParsedBellRow> rows;
    for (size_t i = 0; i < c.rows.size(); ++i) rows.push_back(Csv(c.rows[i], static_cast<int64_t>(i) + 2));
    for (size_t i = 1; i < rows.size(); ++i) EXPECT_TRUE(SameBellUnit(rows[0], rows[i])) << c.name;
    BellUnit unit = MergeBellRows(rows);
    EXPECT_EQ(unit.row_numbers.size(), c.rows.size()) << c.name;
    EXPECT_EQ(static_cast<size_t>(unit.schedule.periods_size()), c.periods) << c.name;
    EXPECT_EQ(unit.problem.field, c.problem_field) << c.name;
    EXPECT_EQ(unit.schedule.display_name(), "作息") << c.name;
  }
  EXPECT_FALSE(SameBellUnit(Csv(head + "1,,08:00,08:40,1-5"),
                            Csv("2133102401,winter,作息,ALL_YEAR,,,2026-09-01,1,,08:00,08:40,1-5")));
}

TEST(BellScheduleImportRows, JsonRowIsAWholeSchedule) {
  ImportRow r;
  r.set_row_number(3);
  r.set_text(R"({"school_code":"2133102401","bell_schedule_id":"all","displayName":"作息","season":"BELL_SCHEDULE_SEASON_ALL_YEAR",)"
             R"("periods":[{"number":1,"kind":"PERIOD_KIND_LESSON","startTime":{"hours":8},"endTime":{"hours":8,"minutes":40},"days":["MONDAY"]}]})");
  ParsedBellRow p = ParseBellScheduleRow(r, IMPORT_FORMAT_JSON, {});
  ASSERT_TRUE(p.ok()) << p.problem.reason;
  EXPECT_FALSE(p.csv);
  EXPECT_EQ(p.id, "all");
  EXPECT_EQ(p.paths, (std::vector<std::string>{"display_name", "season", "periods"}));
  r.set_text(R"({"school_code":"2133102401","displayName":"作息"})");
  EXPECT_EQ(ParseBellScheduleRow(r, IMPORT_FORMAT_JSON, {}).problem.field, "bell_schedule_id");
}

struct ApplyCase {
  std::string name;
  std::vector<std::string> paths;
  std::function<void(BellSchedule&)> row;
  bool changed;
};

TEST(BellScheduleImportRows, ApplyDecidesUpdatedOrUnchanged) {
  BellSchedule stored;
  stored.set_display_name("作息");
  stored.set_season(BELL_SCHEDULE_SEASON_ALL_YEAR);
  stored.mutable_effective()->mutable_start_date()->set_year(2026);
  auto* p = stored.add_periods();
  p->set_number(1);
  p->mutable_start_time()->set_hours(8);
  const std::vector<ApplyCase> cases = {
      {"same", {"display_name", "periods"}, [&](BellSchedule& b) { b.set_display_name("作息"), *b.mutable_periods() = stored.periods(); },
       false},
      {"not listed", {}, [](BellSchedule& b) { b.set_display_name("新作息"); }, false},
      {"renamed", {"display_name"}, [](BellSchedule& b) { b.set_display_name("新作息"); }, true},
      {"one period fewer", {"periods"}, [](BellSchedule&) {}, true},
      {"effective end added", {"effective.end_date"},
       [](BellSchedule& b) { b.mutable_effective()->mutable_end_date()->set_year(2027); }, true},
      {"effective start same", {"effective.start_date"},
       [](BellSchedule& b) { b.mutable_effective()->mutable_start_date()->set_year(2026); }, false},
  };
  for (const auto& c : cases) {
    BellSchedule row, into = stored;
    c.row(row);
    EXPECT_EQ(ApplyBellScheduleFields(row, c.paths, &into), c.changed) << c.name;
  }
}

}  // namespace
}  // namespace gongtong::registry
