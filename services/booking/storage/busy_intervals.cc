#include "booking/storage/busy_intervals.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

// PostgreSQL array literal of plain strings.
std::string ArrayOf(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", "\"");
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Runs `sql` (columns: local_date text, start epoch, end epoch) and groups
// the rows by date as minutes since that date's local midnight.
absl::StatusOr<IntervalsByDay> Grouped(pg::Pool* pool, pg::Deadline deadline,
                                       const std::function<pqxx::result(pqxx::work&)>& query) {
  IntervalsByDay out;
  GT_RETURN_IF_ERROR(pool->Transact(
      [&](pqxx::work& tx) {
        out.clear();
        for (const auto& r : query(tx)) {
          int y, m, d;
          if (sscanf(r[0].c_str(), "%d-%d-%d", &y, &m, &d) != 3) continue;
          const absl::CivilDay day(y, m, d);
          const int64_t midnight = absl::ToUnixSeconds(LocalToInstant(day, 0));
          out[day].push_back({static_cast<int>((r[1].as<int64_t>() - midnight) / 60),
                              static_cast<int>((r[2].as<int64_t>() - midnight + 59) / 60)});
        }
        return absl::OkStatus();
      },
      deadline));
  return out;
}

}  // namespace

absl::StatusOr<IntervalsByDay> BusyIntervals(pg::Pool* pool, const std::vector<std::string>& resources,
                                             absl::CivilDay first, absl::CivilDay last, pg::Deadline deadline) {
  return Grouped(pool, deadline, [&](pqxx::work& tx) {
    return tx.exec_params(
        "SELECT o.local_date::text, extract(epoch from lower(o.during))::bigint, "
        "extract(epoch from upper(o.during))::bigint FROM occupancy o JOIN sessions s ON s.id = o.session_id "
        "WHERE o.live AND o.resource = ANY($1::text[]) AND o.local_date BETWEEN $2::date AND $3::date "
        "AND NOT (s.state = 1 AND s.hold_expire_time <= now())",
        ArrayOf(resources), FormatDay(first), FormatDay(last));
  });
}

absl::StatusOr<IntervalsByDay> RegionSessions(pg::Pool* pool, const std::string& region, absl::CivilDay first,
                                              absl::CivilDay last, pg::Deadline deadline) {
  return Grouped(pool, deadline, [&](pqxx::work& tx) {
    return tx.exec_params(
        "SELECT local_date::text, extract(epoch from lower(during))::bigint, "
        "extract(epoch from upper(during))::bigint FROM sessions "
        "WHERE host_region = $1 AND state IN (1, 2, 3) AND local_date BETWEEN $2::date AND $3::date "
        "AND NOT (state = 1 AND hold_expire_time <= now())",
        region, FormatDay(first), FormatDay(last));
  });
}

}  // namespace gongtong::booking
