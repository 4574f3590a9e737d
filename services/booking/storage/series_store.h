#pragma once
// PostgreSQL adapter for recurring series (table `series`, migration 0001).
// A series row stores the SessionSeries as asked and booked (template,
// weekdays, dates, and every occurrence with its outcome and session); the
// occurrences themselves are ordinary sessions (sessions.series_id), booked
// and changed through SessionStore one by one so each is checked exactly as
// a single booking. Readers refresh BOOKED outcomes from the sessions' live
// states (OccurrenceStates), so a session cancelled on its own reads as
// CANCELLED without the series row being rewritten.
//
// Idempotency: Insert and Update record the series answer under the
// caller's request_id in the same transaction as the row.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "common/pg/write_context.h"
#include "gongtong/booking/v1/series.pb.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

namespace bv1 = gongtong::booking::v1;

// A series as stored, with the columns it is filtered and checked on.
struct StoredSeries {
  bv1::SessionSeries series;  // etag and audit filled when read
  std::string id;
  std::string host_school, host_region, host_teacher, community;
  int64_t version = 0;
};

struct SeriesListQuery {
  std::vector<api::FilterTerm> filter;      // fields of SeriesFilterFields()
  std::string order_field = "create_time";  // or start_date
  bool order_desc = false;
  std::vector<std::string> after;  // sort key (value, id) of the last item seen
  int limit = 50;
  bool count_total = false;
  std::string scope_region;  // county: host region prefix ("" = none)
  std::string scope_school;  // school admin / teacher: host school ("" = none)
};

struct SeriesPage {
  std::vector<StoredSeries> series;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

const std::vector<api::FilterField>& SeriesFilterFields();

// "series/{id}" → id; INVALID_ARGUMENT naming `field` when malformed.
absl::StatusOr<std::string> ParseSeriesName(const std::string& name, const std::string& field);
std::string SeriesName(const std::string& id);

class SeriesStore {
 public:
  explicit SeriesStore(pg::Pool* pool) : pool_(pool) {}

  // The answer already recorded for ctx.request_id; INVALID_ARGUMENT when
  // the id was used for a different request; nullopt when none.
  absl::StatusOr<std::optional<bv1::SessionSeries>> PriorAnswer(const pg::WriteContext& ctx);

  absl::StatusOr<bool> Exists(const std::string& id, pg::Deadline deadline);

  // Writes a new series (version 1); ALREADY_EXISTS (field series_id) when
  // the id is taken. Returns it with etag and audit.
  absl::StatusOr<bv1::SessionSeries> Insert(const StoredSeries& s, const pg::WriteContext& ctx);

  // NOT_FOUND when unknown.
  absl::StatusOr<StoredSeries> Get(const std::string& id, pg::Deadline deadline);

  // Replaces the series body when its version is still `expected_version`
  // (ABORTED otherwise: a concurrent change won).
  absl::StatusOr<bv1::SessionSeries> Update(const StoredSeries& s, int64_t expected_version,
                                            const pg::WriteContext& ctx);

  absl::StatusOr<SeriesPage> List(const SeriesListQuery& q, pg::Deadline deadline);

  // The current state of every session of the series: session id → state.
  absl::StatusOr<std::map<std::string, bv1::SessionState>> OccurrenceStates(const std::string& id,
                                                                            pg::Deadline deadline);

  // Marks the occurrence booked as `session_name` ("sessions/{id}") detached
  // in the series `series_name` ("series/{id}"): it was changed on its own
  // ("this occurrence") and "this and following" changes pass it by. The
  // series' version (etag) moves when the mark is new; marking again, an
  // unknown series or a session that is not one of its occurrences changes
  // nothing.
  absl::Status MarkDetached(const std::string& series_name, const std::string& session_name, pg::Deadline deadline);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::booking
