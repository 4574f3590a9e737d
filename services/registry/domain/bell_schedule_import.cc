#include "registry/domain/bell_schedule_import.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "registry/domain/calendar_rules.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using google::protobuf::util::MessageDifferencer;

const std::vector<std::string>& UpdatableBellFields() {
  static const auto* kPaths = new std::vector<std::string>{"display_name", "season",    "annual_start",
                                                           "annual_end",   "effective", "periods"};
  return *kPaths;
}

bool Number(std::string_view s, int* out) { return absl::SimpleAtoi(absl::string_view(s.data(), s.size()), out); }

// "08:05" → 8:05.
bool ParseTime(const std::string& v, google::type::TimeOfDay* out) {
  const auto colon = v.find(':');
  int h = 0, m = 0;
  if (colon == std::string::npos || !Number(std::string_view(v).substr(0, colon), &h) ||
      !Number(std::string_view(v).substr(colon + 1), &m) || v.size() - colon != 3) {
    return false;
  }
  out->set_hours(h);
  out->set_minutes(m);
  return true;
}

// "05-01" → {month 5, day 1, year 0}.
bool ParseAnnual(const std::string& v, google::type::Date* out) {
  int m = 0, d = 0;
  if (v.size() != 5 || v[2] != '-' || !Number(std::string_view(v).substr(0, 2), &m) ||
      !Number(std::string_view(v).substr(3), &d)) {
    return false;
  }
  out->set_month(m);
  out->set_day(d);
  return true;
}

// "1-5", "MON|WED", "1|3|5", "MONDAY".
bool ParseDays(const std::string& v, v1::Period* period) {
  static const char* kNames[] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
  for (const auto& item : SplitList(v)) {
    int a = 0, b = 0;
    const auto dash = item.find('-');
    if (dash != std::string::npos && Number(std::string_view(item).substr(0, dash), &a) &&
        Number(std::string_view(item).substr(dash + 1), &b) && a >= 1 && b <= 7 && a <= b) {
      for (int d = a; d <= b; ++d) period->add_days(static_cast<google::type::DayOfWeek>(d));
      continue;
    }
    if (Number(item, &a) && a >= 1 && a <= 7) {
      period->add_days(static_cast<google::type::DayOfWeek>(a));
      continue;
    }
    const std::string upper = absl::AsciiStrToUpper(item);
    const auto* name = std::find_if(std::begin(kNames), std::end(kNames),
                                    [&](const char* n) { return upper.size() >= 3 && upper.compare(0, 3, n) == 0; });
    if (name == std::end(kNames)) return false;
    period->add_days(static_cast<google::type::DayOfWeek>(name - std::begin(kNames) + 1));
  }
  return period->days_size() > 0;
}

void AddPath(std::vector<std::string>& paths, const std::string& p) {
  if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
}

}  // namespace

const std::vector<std::string>& BellScheduleImportColumns() {
  static const auto* kColumns = new std::vector<std::string>{
      "school_code",     "bell_schedule_id", "display_name",  "season",      "annual_start",
      "annual_end",      "effective_start",  "effective_end", "period_number", "period_name",
      "period_kind",     "start_time",       "end_time",      "days"};
  return *kColumns;
}

absl::Status CheckBellScheduleColumns(const std::vector<std::string>& columns) {
  return CheckImportColumns(columns, BellScheduleImportColumns(),
                            {"school_code", "bell_schedule_id", "period_number", "start_time", "end_time", "days"});
}

ParsedBellRow ParseBellScheduleRow(const v1::ImportRow& row, v1::ImportFormat format,
                                   const std::vector<std::string>& columns) {
  ParsedBellRow out;
  out.row_number = row.row_number();
  v1::BellSchedule& b = out.schedule;
  if (format == v1::IMPORT_FORMAT_JSON) {
    std::map<std::string, std::string> extras;
    std::vector<std::string> present;
    if (!ParseJsonRow(row.text(), {"school_code", "bell_schedule_id"}, &b, &extras, &present, &out.problem)) {
      return out;
    }
    out.school_code = extras["school_code"];
    out.id = extras["bell_schedule_id"];
    b.clear_name();  // output-only fields are ignored
    b.clear_school();
    b.clear_etag();
    b.clear_audit();
    const auto& u = UpdatableBellFields();
    for (const auto& p : present) {
      if (std::find(u.begin(), u.end(), p) != u.end()) out.paths.push_back(p);
    }
    if (out.school_code.empty()) {
      out.problem = {"school_code", "is required"};
    } else if (out.id.empty()) {
      out.problem = {"bell_schedule_id", "is required"};
    }
    return out;
  }
  out.csv = true;
  v1::Period* period = b.add_periods();
  out.paths.push_back("periods");
  // Every field is read (the key even after a bad field), the first problem kept.
  auto refuse = [&](const std::string& col, const std::string& why) {
    if (out.problem.empty()) out.problem = {col, why};
    return true;
  };
  ForEachCsvField(row.text(), columns, &out.problem, [&](const std::string& col, const std::string& v) {
    int e = 0;
    if (col == "school_code") {
      out.school_code = v;
    } else if (col == "bell_schedule_id") {
      out.id = v;
    } else if (col == "display_name") {
      AddPath(out.paths, col);
      b.set_display_name(v);
    } else if (col == "season") {
      AddPath(out.paths, col);
      if (v.empty()) return true;
      if (!ParseEnumText(v, v1::BellScheduleSeason_descriptor(), &e)) return refuse(col, "'" + v + "' is not a season");
      b.set_season(static_cast<v1::BellScheduleSeason>(e));
    } else if (col == "annual_start" || col == "annual_end") {
      AddPath(out.paths, col);
      if (v.empty()) return true;
      google::type::Date* d = col == "annual_start" ? b.mutable_annual_start() : b.mutable_annual_end();
      if (!ParseAnnual(v, d)) return refuse(col, "'" + v + "' is not MM-DD");
    } else if (col == "effective_start" || col == "effective_end") {
      const bool start = col == "effective_start";
      AddPath(out.paths, start ? "effective.start_date" : "effective.end_date");
      if (v.empty()) return true;
      auto d = ParseIsoDate(v);
      if (!d) return refuse(col, "'" + v + "' is not a date YYYY-MM-DD");
      *(start ? b.mutable_effective()->mutable_start_date() : b.mutable_effective()->mutable_end_date()) =
          ToProtoDate(*d);
    } else if (col == "period_number") {
      if (!Number(v, &e)) return refuse(col, "'" + v + "' is not a whole number");
      period->set_number(e);
    } else if (col == "period_name") {
      period->set_display_name(v);
    } else if (col == "period_kind") {
      if (v.empty()) {
        period->set_kind(v1::PERIOD_KIND_LESSON);
      } else if (ParseEnumText(v, v1::PeriodKind_descriptor(), &e)) {
        period->set_kind(static_cast<v1::PeriodKind>(e));
      } else {
        return refuse(col, "'" + v + "' is not a period kind");
      }
    } else if (col == "start_time" || col == "end_time") {
      if (!ParseTime(v, col == "start_time" ? period->mutable_start_time() : period->mutable_end_time())) {
        return refuse(col, "'" + v + "' is not a time HH:MM");
      }
    } else if (col == "days") {
      if (!ParseDays(v, period)) return refuse(col, "'" + v + "' is not weekdays (1-5, MON|WED)");
    }
    return true;
  });
  if (period->kind() == v1::PERIOD_KIND_UNSPECIFIED) period->set_kind(v1::PERIOD_KIND_LESSON);
  return out;
}

bool SameBellUnit(const ParsedBellRow& first, const ParsedBellRow& next) {
  return first.csv && next.csv && !first.id.empty() && first.school_code == next.school_code && first.id == next.id;
}

BellUnit MergeBellRows(const std::vector<ParsedBellRow>& rows) {
  BellUnit unit;
  if (rows.empty()) return unit;
  const ParsedBellRow& first = rows.front();
  unit.school_code = first.school_code;
  unit.id = first.id;
  unit.schedule = first.schedule;
  unit.paths = first.paths;
  for (size_t i = 0; i < rows.size(); ++i) {
    const ParsedBellRow& r = rows[i];
    unit.row_numbers.push_back(r.row_number);
    if (!r.ok() && unit.problem.empty()) unit.problem = r.problem;
    if (i == 0) continue;
    *unit.schedule.add_periods() = r.schedule.periods(0);
    const v1::BellSchedule& a = first.schedule;
    const v1::BellSchedule& b = r.schedule;
    auto differs = [&](const char* field, bool set, bool equal) {
      if (set && !equal && unit.problem.empty()) {
        unit.problem = {field, absl::StrCat("differs from row ", first.row_number, " of the same schedule")};
      }
    };
    differs("display_name", !b.display_name().empty(), a.display_name() == b.display_name());
    differs("season", b.season() != 0, a.season() == b.season());
    differs("annual_start", b.has_annual_start(), MessageDifferencer::Equals(a.annual_start(), b.annual_start()));
    differs("annual_end", b.has_annual_end(), MessageDifferencer::Equals(a.annual_end(), b.annual_end()));
    differs("effective_start", b.effective().has_start_date(),
            MessageDifferencer::Equals(a.effective().start_date(), b.effective().start_date()));
    differs("effective_end", b.effective().has_end_date(),
            MessageDifferencer::Equals(a.effective().end_date(), b.effective().end_date()));
  }
  return unit;
}

bool ApplyBellScheduleFields(const v1::BellSchedule& from, const std::vector<std::string>& paths,
                             v1::BellSchedule* into) {
  const v1::BellSchedule before = *into;
  for (const auto& p : paths) {
    if (p == "display_name") {
      into->set_display_name(from.display_name());
    } else if (p == "season") {
      into->set_season(from.season());
    } else if (p == "annual_start") {
      if (from.has_annual_start()) *into->mutable_annual_start() = from.annual_start();
      else into->clear_annual_start();
    } else if (p == "annual_end") {
      if (from.has_annual_end()) *into->mutable_annual_end() = from.annual_end();
      else into->clear_annual_end();
    } else if (p == "effective") {
      *into->mutable_effective() = from.effective();
    } else if (p == "effective.start_date") {
      if (from.effective().has_start_date()) *into->mutable_effective()->mutable_start_date() = from.effective().start_date();
      else into->mutable_effective()->clear_start_date();
    } else if (p == "effective.end_date") {
      if (from.effective().has_end_date()) *into->mutable_effective()->mutable_end_date() = from.effective().end_date();
      else into->mutable_effective()->clear_end_date();
    } else if (p == "periods") {
      *into->mutable_periods() = from.periods();
    }
  }
  return !MessageDifferencer::Equals(before, *into);
}

}  // namespace gongtong::registry
