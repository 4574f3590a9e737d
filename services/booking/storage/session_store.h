#pragma once
// PostgreSQL adapter for synchronous sessions. The guarantee of R-SYNC-2 is
// the exclusion constraint `no_double_booking` on `occupancy` (migration
// 0001): no two live rows of the same teacher, classroom or class overlap,
// under any concurrency. This store only adds what a person needs around it:
//
//  - Before inserting, it looks up the live sessions in the way and answers
//    FAILED_PRECONDITION with BookingConflictDetails naming every busy
//    resource and the session it collides with. A concurrent booking that
//    wins between that look-up and the insert makes the insert fail on the
//    constraint; the transaction is then re-run and reports that winner.
//  - A HELD session whose hold lapsed never blocks anyone: lapsed holds in
//    the way are cancelled (HOLD_EXPIRED, with their event) in the same
//    transaction; ExpireLapsedHolds() sweeps the rest in the background.
//  - Capacity (R-SYNC-7) is exact under concurrency: the transaction takes
//    advisory locks on the region's 30-minute buckets the window touches
//    (in order), then counts the live sessions at the busiest minute. Two
//    sessions that overlap share a bucket, so no two bookings can both take
//    the last place; bookings at other times or in other regions do not
//    wait for each other.
//  - Every write carries its idempotency claim and its outbox event in the
//    same transaction: all of it commits, or none.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "common/pg/write_context.h"
#include "gongtong/booking/v1/conflict.pb.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

namespace bv1 = gongtong::booking::v1;

enum class OccupantRole { kHostTeacher = 1, kHostClassroom = 2, kHostClass = 3, kReceivingClass = 4 };

// One resource a session occupies while live.
struct Occupant {
  std::string resource;  // teachers/{id}, schools/{code}/classrooms/{id}, schools/{code}/classes/{id}
  OccupantRole role = OccupantRole::kHostTeacher;
  std::string school;   // school code of the resource
  std::string region;   // region code of that school
  std::string pairing;  // receiving classes: the pairing that links them
};

// A session ready to be written: registry facts resolved and every rule that
// needs no database checked (by the handler and the domain rules).
struct SessionDraft {
  bv1::Session session;  // as stored: output-only fields filled, no etag
  std::string id;        // session id (client's or generated)
  std::string host_school, host_region, community, subject;
  absl::CivilDay date;
  absl::Time start, end;
  std::vector<Occupant> occupants;
  // Violations found before the database (calendar, bell schedule,
  // streams): reported together with the busy resources and capacity.
  std::vector<bv1::BookingConflict> conflicts;
};

// The effective live-session cap of a region and where it comes from.
struct CapacityRule {
  int limit = 0;
  std::string source;  // region code of the entry, or "default"
};

// A session's row as read for a change.
struct StoredSession {
  bv1::Session session;  // with etag and audit filled
  std::string host_school, host_region, community;
  int64_t version = 0;
};

// What a change produces: the event to publish (payload, owned) and whether
// the session's occupancy changed (state or receivers).
struct ChangeOutcome {
  std::unique_ptr<google::protobuf::Message> event;
  bool unchanged = false;  // nothing to write: answer the session as it is
};

struct SessionListQuery {
  std::vector<api::FilterTerm> filter;  // fields of SessionFilterFields()
  bool order_desc = false;
  std::string order_field = "start_time";  // or update_time
  std::vector<std::string> after;          // sort key of the last item seen
  int limit = 50;
  bool count_total = false;
  // Scope of the caller, applied on top of the filter ("" = none):
  std::string scope_region;  // county: host or a receiver in this region prefix
  std::string scope_school;  // school admin/teacher: host or receiving school
  std::string scope_teacher; // teacher: hosted by this teacher (with scope_school)
};

struct SessionPage {
  std::vector<bv1::Session> sessions;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

const std::vector<api::FilterField>& SessionFilterFields();

class SessionStore {
 public:
  SessionStore(pg::Pool* pool, int default_capacity) : pool_(pool), default_capacity_(default_capacity) {}

  // Books `draft` (HELD, PENDING_CONFIRMATION or CONFIRMED as the draft
  // says). ALREADY_EXISTS for a taken id. With validate_only every check
  // runs and nothing is written.
  absl::StatusOr<bv1::Session> Create(const SessionDraft& draft, bool validate_only, const pg::WriteContext& ctx);

  // NOT_FOUND when unknown.
  absl::StatusOr<StoredSession> Get(const std::string& id, pg::Deadline deadline);

  // The answer already given to ctx.request_id (a retry), checked before the
  // request is resolved again; INVALID_ARGUMENT when the id was used for a
  // different request. nullopt when there is none (yet).
  absl::StatusOr<std::optional<bv1::Session>> PriorAnswer(const pg::WriteContext& ctx);

  absl::StatusOr<SessionPage> List(const SessionListQuery& query, pg::Deadline deadline);

  // Applies `change` to the session under a row lock: `expected_etag`, when
  // not empty, must be current (ABORTED). `change` edits the session (state,
  // receivers' answers, cancellation…) and sets the event to publish; it
  // returns an error to refuse (nothing written). Afterwards the occupancy
  // follows the new state: rows are live iff the session is live and, for a
  // receiving class, its school has not declined. A change may only free
  // resources, never take new ones (UpdateSession re-books instead).
  // `also` runs in the same transaction after the session row is written
  // (e.g. the delivery record).
  using Change = std::function<absl::Status(StoredSession& stored, ChangeOutcome& outcome)>;
  using Also = std::function<void(pqxx::transaction_base& tx, const StoredSession& stored)>;
  absl::StatusOr<bv1::Session> Mutate(const std::string& id, const std::string& expected_etag, const Change& change,
                                      const pg::WriteContext& ctx, const Also& also = nullptr);

  // The delivery record of a DELIVERED session; NOT_FOUND otherwise.
  absl::StatusOr<bv1::DeliveryRecord> GetDeliveryRecord(const std::string& id, pg::Deadline deadline);
  // Writes (inserts or replaces) a session's delivery record inside `tx`;
  // returns it with etag and audit filled.
  static bv1::DeliveryRecord PutDeliveryRecord(pqxx::transaction_base& tx, const std::string& id,
                                               bv1::DeliveryRecord record, const gongtong::common::v1::Actor& actor);

  // Re-books a live session as `draft` says (UpdateSession: a new window,
  // host or receivers) under the same guarantees as Create — the busy check
  // ignores the session itself, its old occupancy is replaced by the new one
  // in the same transaction, the exclusion constraint decides races. `change`
  // (under the row lock, after the etag check) copies the new values into the
  // stored session, checks the state and sets the event.
  absl::StatusOr<bv1::Session> Rebook(const std::string& id, const std::string& expected_etag,
                                      const SessionDraft& draft, const Change& change, const pg::WriteContext& ctx);

  // Cancels up to `limit` HELD sessions whose hold lapsed (HOLD_EXPIRED,
  // each with its event); returns how many.
  absl::StatusOr<int> ExpireLapsedHolds(int limit);

  // The cap in force for `region_code` (own entry, else the nearest
  // ancestor's: prefecture xxxx00, province xx0000, else the default).
  CapacityRule EffectiveCapacity(pqxx::transaction_base& tx, const std::string& region_code) const;
  absl::StatusOr<CapacityRule> EffectiveCapacity(const std::string& region_code, pg::Deadline deadline);

  pg::Pool* pool() const { return pool_; }

 private:
  // Create's and Rebook's transaction, retried while a booking wins between
  // the busy check and the write (exclusion violation): the request_id
  // replay when `replay` (then `out` is the first answer and a new answer is
  // recorded), `prepare` (may refuse), the draft's conflicts with the busy
  // check of its occupants (session `self` not counted), then `write` with
  // the window and the transaction's time.
  using BookingWrite = std::function<absl::Status(pqxx::work& tx, int64_t start, int64_t end, int64_t now)>;
  absl::Status CheckedWrite(const SessionDraft& draft, const std::string& self, bool replay,
                            const std::function<absl::Status(pqxx::work& tx)>& prepare, const BookingWrite& write,
                            const pg::WriteContext& ctx, bv1::Session* out);

  pg::Pool* pool_;
  int default_capacity_;
};

// A fresh server-chosen session or series id (lower-case hex).
std::string NewResourceId();
// The etag of a version.
std::string EtagOf(int64_t version);
// A session's window as local text, e.g. "2026-11-30 08:00–08:40".
std::string WindowText(const gongtong::common::v1::LocalTimeWindow& w);

// The refusal of a booking: FAILED_PRECONDITION (RESOURCE_EXHAUSTED when the
// region cap is the only problem), ErrorInfo reason the first conflict's
// kind, a zh-CN message naming it, and BookingConflictDetails with all.
absl::Status ConflictError(const std::vector<bv1::BookingConflict>& conflicts);

}  // namespace gongtong::booking
