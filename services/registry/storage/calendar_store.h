#pragma once
// PostgreSQL adapter for school calendars and bell schedules. Like
// SchoolStore: every write runs in one transaction with its idempotency claim
// (request_id), its change-feed row and its outbox event; etag = version.
// Bell-schedule writes also lock the school's schedules and check, inside the
// transaction, that the school is live and that no two live schedules of the
// school apply on one date (FAILED_PRECONDITION naming the other).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/calendar.pb.h"
#include "gongtong/registry/v1/change.pb.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

using gongtong::registry::v1::BellSchedule;
using gongtong::registry::v1::SchoolCalendar;

struct CalendarListQuery {
  std::string region;                   // exact region of the parent ("" = all)
  std::vector<api::FilterTerm> filter;  // CalendarFilterFields()
  std::vector<api::OrderField> order;   // CalendarOrderFields(), one direction
  std::vector<std::string> after;       // sort-key values of the last item seen
  int limit = 50;
  bool show_deleted = false;
  std::string region_scope;                // county bureau: region prefix ("" = all) …
  std::vector<std::string> also_regions;  // … plus these exact codes (the regions above it)
  bool count_total = false;
};

struct CalendarPage {
  std::vector<SchoolCalendar> calendars;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

struct BellScheduleListQuery {
  std::string school_code;              // the parent's school ("" = all)
  std::vector<api::FilterTerm> filter;  // BellScheduleFilterFields()
  std::vector<api::OrderField> order;   // BellScheduleOrderFields()
  std::vector<std::string> after;
  int limit = 50;
  bool show_deleted = false;
  std::string region_scope;  // only schools whose region has this prefix
  bool count_total = false;
};

struct BellSchedulePage {
  std::vector<BellSchedule> schedules;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

const std::vector<api::FilterField>& CalendarFilterFields();
const std::vector<std::string>& CalendarOrderFields();
const std::vector<api::FilterField>& BellScheduleFilterFields();
const std::vector<std::string>& BellScheduleOrderFields();

class CalendarStore {
 public:
  explicit CalendarStore(pg::Pool* pool) : pool_(pool) {}

  // ---- calendars ----
  // NOT_FOUND when none (deleted ones are returned).
  absl::StatusOr<SchoolCalendar> GetCalendar(const std::string& region, int school_year, pg::Deadline deadline);
  absl::StatusOr<CalendarPage> ListCalendars(const CalendarListQuery& query, pg::Deadline deadline);
  // Live calendars of `regions` for school years first_year..last_year.
  absl::StatusOr<std::vector<SchoolCalendar>> LiveCalendars(const std::vector<std::string>& regions,
                                                            int first_year, int last_year, pg::Deadline deadline);
  // ALREADY_EXISTS when the region has a calendar (live or deleted) for the year.
  absl::StatusOr<SchoolCalendar> CreateCalendar(const SchoolCalendar& calendar, const WriteContext& ctx);

  // Applies `mutate` under a row lock (see SchoolStore::Mutate).
  using CalendarMutation = std::function<absl::Status(SchoolCalendar& calendar, bool& deleted)>;
  absl::StatusOr<SchoolCalendar> MutateCalendar(const std::string& region, int school_year,
                                                const std::string& expected_etag,
                                                gongtong::registry::v1::ChangeKind kind,
                                                const std::vector<std::string>& changed_paths,
                                                const CalendarMutation& mutate, const WriteContext& ctx);

  // ---- bell schedules ----
  absl::StatusOr<BellSchedule> GetBellSchedule(const std::string& school_code, const std::string& id,
                                               pg::Deadline deadline);
  absl::StatusOr<BellSchedulePage> ListBellSchedules(const BellScheduleListQuery& query, pg::Deadline deadline);
  absl::StatusOr<std::vector<BellSchedule>> LiveBellSchedules(const std::string& school_code, pg::Deadline deadline);

  // Creates schedule `id` of `school_code`. FAILED_PRECONDITION when the school is deleted (NOT_FOUND
  // when missing) or a live schedule applies on the same dates
  // (`conflict_field` names the offending request field); ALREADY_EXISTS
  // when the id is taken, also by a deleted one.
  absl::StatusOr<BellSchedule> CreateBellSchedule(const std::string& school_code, const std::string& id,
                                                  const BellSchedule& schedule,
                                                  const std::string& conflict_field, const WriteContext& ctx);

  using BellScheduleMutation = std::function<absl::Status(BellSchedule& schedule, bool& deleted)>;
  // As MutateCalendar; a result that is live is checked against the school's
  // other live schedules and, unless it is a deletion, needs a live school.
  absl::StatusOr<BellSchedule> MutateBellSchedule(const std::string& school_code, const std::string& id,
                                                  const std::string& expected_etag,
                                                  gongtong::registry::v1::ChangeKind kind,
                                                  const std::vector<std::string>& changed_paths,
                                                  const std::string& conflict_field,
                                                  const BellScheduleMutation& mutate, const WriteContext& ctx);

  // ---- bulk import (ImportRows) ----
  // The same create and update paths (season check, change feed, outbox)
  // inside the caller's transaction, without the request_id claim: each
  // imported schedule runs them in its own savepoint.
  static absl::StatusOr<BellSchedule> CreateBellScheduleIn(pqxx::transaction_base& tx, const std::string& school_code,
                                                           const std::string& id, const BellSchedule& schedule,
                                                           const std::string& conflict_field, const WriteContext& ctx);
  static absl::StatusOr<BellSchedule> MutateBellScheduleIn(pqxx::transaction_base& tx, const std::string& school_code,
                                                           const std::string& id, const std::string& expected_etag,
                                                           gongtong::registry::v1::ChangeKind kind,
                                                           const std::vector<std::string>& changed_paths,
                                                           const std::string& conflict_field,
                                                           const BellScheduleMutation& mutate, const WriteContext& ctx);
  // Schedule `id` of the school (live or deleted); nullopt when none.
  static std::optional<BellSchedule> FindBellSchedule(pqxx::transaction_base& tx, const std::string& school_code,
                                                      const std::string& id);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
