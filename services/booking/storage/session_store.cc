#include "booking/storage/session_store.h"

#include <algorithm>
#include <array>
#include <random>
#include <set>

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "booking/domain/session_rules.h"
#include "common/pg/arrays.h"
#include "common/events/event.h"
#include "common/log/log.h"
#include "common/pg/pg_status.h"
#include "common/status/error.h"
#include "common/status/extra_detail.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::booking {
namespace {

namespace ev1 = gongtong::events::v1;

constexpr char kStream[] = "gongtong:booking:events";
constexpr int kBucketSeconds = 30 * 60;
constexpr int kLocalOffsetSeconds = 8 * 3600;  // Asia/Shanghai, no DST
constexpr int kMaxConflictRetries = 8;


// Runs a statement prepared once per connection (planned once, not per
// call: the booking path runs the same few statements thousands of times).
template <typename... Args>
pqxx::result Prepared(pqxx::transaction_base& tx, const std::string& name, const std::string& sql, Args&&... args) {
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

pqxx::binarystring Bytes(const google::protobuf::Message& m, std::string& keep) {
  keep = m.SerializeAsString();
  return pqxx::binarystring(keep.data(), keep.size());
}

void SetTimestamp(google::protobuf::Timestamp* t, int64_t epoch) {
  t->set_seconds(epoch);
  t->set_nanos(0);
}

// Local window of an instant range.
gongtong::common::v1::LocalTimeWindow LocalWindow(int64_t start, int64_t end) {
  gongtong::common::v1::LocalTimeWindow w;
  const absl::CivilSecond s = absl::ToCivilSecond(absl::FromUnixSeconds(start), absl::FixedTimeZone(kLocalOffsetSeconds));
  const absl::CivilSecond e = absl::ToCivilSecond(absl::FromUnixSeconds(end), absl::FixedTimeZone(kLocalOffsetSeconds));
  w.mutable_date()->set_year(static_cast<int>(s.year()));
  w.mutable_date()->set_month(s.month());
  w.mutable_date()->set_day(s.day());
  w.mutable_start_time()->set_hours(s.hour());
  w.mutable_start_time()->set_minutes(s.minute());
  w.mutable_end_time()->set_hours(e.hour());
  w.mutable_end_time()->set_minutes(e.minute());
  return w;
}

bv1::ConflictKind BusyKind(const std::string& resource) {
  if (resource.rfind("teachers/", 0) == 0) return bv1::CONFLICT_KIND_TEACHER_BUSY;
  if (resource.find("/classrooms/") != std::string::npos) return bv1::CONFLICT_KIND_CLASSROOM_BUSY;
  return bv1::CONFLICT_KIND_CLASS_BUSY;
}

std::string DateText(absl::CivilDay d) { return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()); }

// Reads the stored session of a row (body, version, times) with etag and
// audit times filled.
bv1::Session FromRow(const pqxx::row& r, int body_col, int version_col, int create_col, int update_col) {
  bv1::Session s;
  pqxx::binarystring body(r[body_col]);
  s.ParseFromArray(body.data(), static_cast<int>(body.size()));
  s.set_etag(EtagOf(r[version_col].as<int64_t>()));
  SetTimestamp(s.mutable_audit()->mutable_create_time(), r[create_col].as<int64_t>());
  SetTimestamp(s.mutable_audit()->mutable_update_time(), r[update_col].as<int64_t>());
  return s;
}

constexpr char kSessionColumns[] =
    "s.body, s.version, extract(epoch from s.create_time)::bigint, extract(epoch from s.update_time)::bigint, "
    "s.host_school, s.host_region, s.community";

StoredSession StoredFromRow(const pqxx::row& r) {
  StoredSession st;
  st.session = FromRow(r, 0, 1, 2, 3);
  st.version = r[1].as<int64_t>();
  st.host_school = r[4].as<std::string>();
  st.host_region = r[5].as<std::string>();
  st.community = r[6].as<std::string>();
  return st;
}

bool IsLiveState(bv1::SessionState s) {
  return s == bv1::SESSION_STATE_HELD || s == bv1::SESSION_STATE_PENDING_CONFIRMATION ||
         s == bv1::SESSION_STATE_CONFIRMED;
}

void AppendEvent(pqxx::transaction_base& tx, const std::string& id, int64_t version,
                 const google::protobuf::Message& payload, const std::string& correlation_id) {
  events::AppendToOutbox(tx, kStream, events::MakeEvent("booking", "session", SessionName(id), version, payload,
                                                        correlation_id));
}

// Cancels lapsed holds by id (the ones in a booking's way, or a sweep's).
int CancelLapsedHolds(pqxx::transaction_base& tx, const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  auto rows = tx.exec_params(
      "SELECT s.body, s.version, extract(epoch from s.create_time)::bigint, extract(epoch from s.update_time)::bigint, "
      "s.id FROM sessions s WHERE s.id = ANY($1::text[]) AND s.state = 1 AND s.hold_expire_time <= now() "
      "ORDER BY s.id FOR UPDATE",
      pg::TextArray(ids));
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  for (const auto& r : rows) {
    bv1::Session s = FromRow(r, 0, 1, 2, 3);
    const std::string id = r[4].as<std::string>();
    const int64_t version = r[1].as<int64_t>() + 1;
    s.set_state(bv1::SESSION_STATE_CANCELLED);
    s.set_sequence(s.sequence() + 1);
    s.clear_hold_expire_time();
    auto* c = s.mutable_cancellation();
    c->set_reason_code(bv1::CANCELLATION_REASON_HOLD_EXPIRED);
    c->set_reason("hold expired before it was committed");
    c->mutable_actor()->set_subject("booking-service");
    c->mutable_actor()->set_role(gongtong::common::v1::ROLE_SERVICE);
    SetTimestamp(c->mutable_time(), now);
    s.clear_etag();
    s.clear_audit();
    std::string keep;
    tx.exec_params("UPDATE sessions SET state = 6, version = $2, body = $3, hold_expire_time = NULL, "
                   "update_time = now() WHERE id = $1",
                   id, version, Bytes(s, keep));
    tx.exec_params("UPDATE occupancy SET live = false WHERE session_id = $1", id);
    ev1::SessionCancelled event;
    *event.mutable_session() = s;
    event.mutable_session()->set_etag(EtagOf(version));
    event.set_previous_state(bv1::SESSION_STATE_HELD);
    *event.mutable_actor() = c->actor();
    AppendEvent(tx, id, version, event, "");
  }
  return static_cast<int>(rows.size());
}

// Locks the region's 30-minute buckets that [start, end) touches, in order,
// in one statement; returns the transaction's time (now(), the create_time a
// row inserted in it gets), in epoch seconds.
int64_t LockCapacityBuckets(pqxx::transaction_base& tx, const std::string& region, int64_t start, int64_t end) {
  std::vector<std::string> keys;
  for (int64_t b = start / kBucketSeconds; b <= (end - 1) / kBucketSeconds; ++b) {
    keys.push_back(absl::StrCat("cap:", region, ":", b));
  }
  return Prepared(tx, "booking_lock_buckets_now",
                  "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)) ORDER BY i), "
                  "extract(epoch from now())::bigint FROM unnest($1::text[]) WITH ORDINALITY u(k, i)",
                  pg::TextArray(keys))[0][1]
      .as<int64_t>();
}

// Peak number of overlapping intervals (half-open: at equal instants ends
// come before starts).
int Peak(std::vector<std::pair<int64_t, int>> edges) {
  std::sort(edges.begin(), edges.end());
  int load = 0, peak = 0;
  for (const auto& [t, d] : edges) {
    load += d;
    peak = std::max(peak, load);
  }
  return peak;
}

// Busy resources and capacity of a live session about to occupy
// [start, end): after the region's bucket locks, ONE read returns the live
// occupancy of the session's resources (kind 1), the region's live sessions
// overlapping the window (kind 2) and the cap entries in force (kind 3).
// Lapsed holds in the way are cancelled first and count for nothing.
std::vector<bv1::BookingConflict> CheckOccupancy(pqxx::transaction_base& tx, const std::vector<std::string>& resources,
                                                 const std::string& region, int default_capacity, absl::CivilDay date,
                                                 int64_t start, int64_t end, const std::string& self,
                                                 int64_t* tx_time = nullptr) {
  const int64_t now = LockCapacityBuckets(tx, region, start, end);
  if (tx_time != nullptr) *tx_time = now;
  const std::string prefecture = region.substr(0, 4) + "00", province = region.substr(0, 2) + "0000";
  // Every window lies within its local date (times of day end by 23:59), so
  // both reads are equality lookups of one day in partial btrees (migration
  // 0002): each resource on its own (LATERAL, kept apart by OFFSET 0, so the
  // plan is one index probe per resource whatever the statistics say; with
  // `= ANY($1)` a generic plan scanned a whole date instead) and the region's
  // live sessions. The overlap is written on the bounds, not with &&, so no
  // plan can walk the GiST indexes by time alone.
  auto rows = Prepared(tx, "booking_check_occupancy",
      "SELECT 1, o.resource, o.session_id, extract(epoch from lower(o.during))::bigint, "
      "extract(epoch from upper(o.during))::bigint, (s.state = 1 AND s.hold_expire_time <= now()) "
      "FROM unnest($1::text[]) AS r(resource) CROSS JOIN LATERAL (SELECT o.resource, o.session_id, o.during "
      "FROM occupancy o WHERE o.resource = r.resource AND o.local_date = $8::date AND o.live "
      "AND lower(o.during) < to_timestamp($3) AND upper(o.during) > to_timestamp($2) AND o.session_id <> $4 "
      "OFFSET 0) o JOIN sessions s ON s.id = o.session_id "
      "UNION ALL "
      "SELECT 2, '', id, greatest(extract(epoch from lower(during))::bigint, $2), "
      "least(extract(epoch from upper(during))::bigint, $3), (state = 1 AND hold_expire_time <= now()) "
      "FROM sessions WHERE host_region = $5 AND local_date = $8::date AND state IN (1, 2, 3) "
      "AND lower(during) < to_timestamp($3) AND upper(during) > to_timestamp($2) AND id <> $4 "
      "UNION ALL "
      "SELECT 3, region_code, '', max_concurrent_sessions, 0, false FROM region_capacities "
      "WHERE region_code IN ($5, $6, $7)",
      pg::TextArray(resources), start, end, self, region, prefecture, province, DateText(date));
  std::vector<bv1::BookingConflict> conflicts;
  std::vector<std::string> lapsed;
  std::vector<std::pair<int64_t, int>> edges;
  CapacityRule cap{default_capacity, "default"};
  int cap_rank = -1;
  for (const auto& r : rows) {
    const int kind = r[0].as<int>();
    const bool lapsed_hold = r[5].as<bool>();
    if (kind == 1) {
      if (lapsed_hold) {
        lapsed.push_back(r[2].as<std::string>());
        continue;
      }
      bv1::BookingConflict c;
      const std::string resource = r[1].as<std::string>();
      c.set_kind(BusyKind(resource));
      c.set_resource(resource);
      c.set_conflicting_session(SessionName(r[2].as<std::string>()));
      *c.mutable_conflicting_window() = LocalWindow(r[3].as<int64_t>(), r[4].as<int64_t>());
      conflicts.push_back(std::move(c));
    } else if (kind == 2) {
      if (lapsed_hold) continue;
      edges.emplace_back(r[3].as<int64_t>(), +1);
      edges.emplace_back(r[4].as<int64_t>(), -1);
    } else {
      const std::string code = r[1].as<std::string>();
      const int rank = code == region ? 2 : code == prefecture ? 1 : 0;
      if (rank > cap_rank) {
        cap_rank = rank;
        cap = {r[3].as<int>(), code};
      }
    }
  }
  std::sort(lapsed.begin(), lapsed.end());
  lapsed.erase(std::unique(lapsed.begin(), lapsed.end()), lapsed.end());
  CancelLapsedHolds(tx, lapsed);
  const int in_use = Peak(std::move(edges));
  if (in_use + 1 > cap.limit) {
    bv1::BookingConflict c;
    c.set_kind(bv1::CONFLICT_KIND_REGION_CAPACITY);
    c.set_resource(absl::StrCat("regions/", cap.source == "default" ? region : cap.source, "/liveCapacity"));
    c.set_limit(cap.limit);
    c.set_in_use(in_use);
    conflicts.push_back(std::move(c));
  }
  return conflicts;
}

bool IsExclusionViolation(const absl::Status& s) { return ReasonOf(s) == "DB_EXCLUSION_VIOLATION"; }

absl::Status SessionExists(const std::string& id) {
  return ErrorBuilder(absl::StatusCode::kAlreadyExists, "SESSION_EXISTS")
      .Message("session " + id + " already exists")
      .Zh("课程编号 " + id + " 已被使用")
      .Field("session_id", "is taken");
}

// The occupants of a session as the five PostgreSQL arrays the inserts
// unnest: resource, role, school, region, pairing.
std::array<std::string, 5> OccupantArrays(const std::vector<Occupant>& occupants) {
  std::vector<std::string> resources, roles, schools, regions, pairings;
  for (const auto& o : occupants) {
    resources.push_back(o.resource);
    roles.push_back(std::to_string(static_cast<int>(o.role)));
    schools.push_back(o.school);
    regions.push_back(o.region);
    pairings.push_back(o.pairing);
  }
  return {pg::TextArray(resources), "{" + absl::StrJoin(roles, ",") + "}", pg::TextArray(schools),
          pg::TextArray(regions), pg::TextArray(pairings)};
}

// Inserts the occupancy rows of a session (one statement, prepared).
void InsertOccupancy(pqxx::transaction_base& tx, const std::string& id, const std::vector<Occupant>& occupants,
                     absl::CivilDay date, int64_t start, int64_t end) {
  const auto a = OccupantArrays(occupants);
  Prepared(tx, "booking_insert_occupancy",
           "INSERT INTO occupancy (session_id, resource, role, school, region, pairing, local_date, during, live) "
           "SELECT $1, r, k, sc, rg, pa, $2::date, tstzrange(to_timestamp($3), to_timestamp($4), '[)'), true "
           "FROM unnest($5::text[], $6::smallint[], $7::text[], $8::text[], $9::text[]) AS u(r, k, sc, rg, pa)",
           id, DateText(date), start, end, a[0], a[1], a[2], a[3], a[4]);
}

// The session row locked for a change (FOR UPDATE), NOT_FOUND when unknown,
// ABORTED when `expected_etag` is set and stale. `field_prefix` is where the
// request carries the session ("session." for UpdateSession, "" otherwise).
absl::StatusOr<StoredSession> LockForChange(pqxx::transaction_base& tx, const std::string& id,
                                            const std::string& expected_etag, const std::string& field_prefix) {
  auto rows = tx.exec_params(absl::StrCat("SELECT ", kSessionColumns, " FROM sessions s WHERE s.id = $1 FOR UPDATE"), id);
  if (rows.empty()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "SESSION_NOT_FOUND")
        .Message("no session " + id)
        .Zh("课程 " + SessionName(id) + " 不存在")
        .Field(field_prefix + "name", "no such session");
  }
  StoredSession st = StoredFromRow(rows[0]);
  if (!expected_etag.empty() && expected_etag != st.session.etag()) {
    return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
        .Message("the session changed since it was read (etag " + st.session.etag() + ")")
        .Zh("课程已被他人修改，请重新读取后再操作")
        .Field(field_prefix + "etag", "is stale");
  }
  return st;
}

}  // namespace

std::string NewResourceId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

std::string EtagOf(int64_t version) { return absl::StrCat("v", version); }

std::string WindowText(const gongtong::common::v1::LocalTimeWindow& w) {
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d–%02d:%02d", w.date().year(), w.date().month(), w.date().day(),
                         w.start_time().hours(), w.start_time().minutes(), w.end_time().hours(),
                         w.end_time().minutes());
}

absl::Status ConflictError(const std::vector<bv1::BookingConflict>& conflicts) {
  bv1::BookingConflictDetails details;
  bool capacity_only = true;
  for (const auto& c : conflicts) {
    if (details.conflicts_size() < 50) *details.add_conflicts() = c;
    if (c.kind() != bv1::CONFLICT_KIND_REGION_CAPACITY) capacity_only = false;
  }
  const auto& first = conflicts.front();
  std::string en, zh;
  switch (first.kind()) {
    case bv1::CONFLICT_KIND_TEACHER_BUSY:
    case bv1::CONFLICT_KIND_CLASSROOM_BUSY:
    case bv1::CONFLICT_KIND_CLASS_BUSY:
      en = absl::StrCat(first.resource(), " is busy in ", first.conflicting_session(), " at ",
                        WindowText(first.conflicting_window()));
      zh = absl::StrCat(first.kind() == bv1::CONFLICT_KIND_TEACHER_BUSY     ? "教师"
                        : first.kind() == bv1::CONFLICT_KIND_CLASSROOM_BUSY ? "教室"
                                                                             : "班级",
                        " ", first.resource(), " 在 ", WindowText(first.conflicting_window()), " 已有课程 ",
                        first.conflicting_session(), "，不能重复预约");
      break;
    case bv1::CONFLICT_KIND_REGION_CAPACITY:
      en = absl::StrCat("the live-session cap of ", first.resource(), " is reached: ", first.in_use(), " of ",
                        first.limit(), " in use");
      zh = absl::StrCat("本地区同时直播的课程已达上限（", first.limit(), "节），该时段已有 ", first.in_use(),
                        " 节");
      break;
    case bv1::CONFLICT_KIND_BELL_SCHEDULE:
      en = absl::StrCat("the window does not fit a lesson period of ", first.resource(), " (best overlap ",
                        first.overlap_minutes(), " of ", first.required_minutes(), " minutes)");
      zh = absl::StrCat(first.resource(), " 的作息时间没有能容纳该时段的课节（最多重叠 ", first.overlap_minutes(),
                        " 分钟，需要 ", first.required_minutes(), " 分钟）");
      break;
    case bv1::CONFLICT_KIND_CALENDAR:
      en = absl::StrCat("the date is not a school day for ", first.resource());
      zh = absl::StrCat("该日期不是 ", first.resource(), " 的上课日");
      break;
    case bv1::CONFLICT_KIND_OUTGOING_STREAMS:
      en = absl::StrCat(first.resource(), " can send at most ", first.limit(), " streams");
      zh = absl::StrCat("主讲教室 ", first.resource(), " 最多同时向 ", first.limit(), " 个班级直播");
      break;
    default:
      en = "booking refused";
      zh = "预约被拒绝";
  }
  if (conflicts.size() > 1) {
    en += absl::StrCat(" (and ", conflicts.size() - 1, " more conflicts)");
    zh += absl::StrCat("（另有 ", conflicts.size() - 1, " 处冲突）");
  }
  ErrorBuilder b(capacity_only ? absl::StatusCode::kResourceExhausted : absl::StatusCode::kFailedPrecondition,
                 bv1::ConflictKind_Name(first.kind()).substr(strlen("CONFLICT_KIND_")));
  b.Message(en).Zh(zh).Meta("resource", first.resource());
  if (!first.conflicting_session().empty()) b.Meta("conflicting_session", first.conflicting_session());
  if (first.limit() > 0) b.Meta("limit", absl::StrCat(first.limit()));
  return WithDetail(b.Build(), details);
}

CapacityRule SessionStore::EffectiveCapacity(pqxx::transaction_base& tx, const std::string& region) const {
  const std::string prefecture = region.substr(0, 4) + "00";
  const std::string province = region.substr(0, 2) + "0000";
  auto rows = tx.exec_params(
      "SELECT region_code, max_concurrent_sessions FROM region_capacities WHERE region_code IN ($1, $2, $3)", region,
      prefecture, province);
  CapacityRule best{default_capacity_, "default"};
  int best_rank = -1;
  for (const auto& r : rows) {
    const std::string code = r[0].as<std::string>();
    const int rank = code == region ? 2 : code == prefecture ? 1 : 0;
    if (rank > best_rank) {
      best_rank = rank;
      best = {r[1].as<int>(), code};
    }
  }
  return best;
}

absl::StatusOr<CapacityRule> SessionStore::EffectiveCapacity(const std::string& region, pg::Deadline deadline) {
  CapacityRule rule;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) {
        rule = EffectiveCapacity(tx, region);
        return absl::OkStatus();
      },
      deadline));
  return rule;
}

absl::Status SessionStore::CheckedWrite(const SessionDraft& draft, const std::string& self, bool replay,
                                       const std::function<absl::Status(pqxx::work& tx)>& prepare,
                                       const BookingWrite& write, const pg::WriteContext& ctx, bv1::Session* out) {
  std::vector<std::string> resources;
  for (const auto& o : draft.occupants) resources.push_back(o.resource);
  const int64_t start = absl::ToUnixSeconds(draft.start), end = absl::ToUnixSeconds(draft.end);
  absl::Status status;
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    status = pool_->Transact(
        [&](pqxx::work& tx) -> absl::Status {
          if (replay) {
            GT_ASSIGN_OR_RETURN(auto first, pg::Replay<bv1::Session>(tx, ctx));
            if (first) {
              *out = *first;
              return absl::OkStatus();
            }
          }
          if (prepare) {
            GT_RETURN_IF_ERROR(prepare(tx));
          }
          std::vector<bv1::BookingConflict> conflicts = draft.conflicts;
          int64_t now = 0;
          auto found =
              CheckOccupancy(tx, resources, draft.host_region, default_capacity_, draft.date, start, end, self, &now);
          conflicts.insert(conflicts.end(), found.begin(), found.end());
          if (!conflicts.empty()) return ConflictError(conflicts);
          GT_RETURN_IF_ERROR(write(tx, start, end, now));
          if (replay && !ctx.request_id.empty()) {
            pg::RecordResponse(tx, ctx.method, ctx.request_id, out->SerializeAsString());
          }
          return absl::OkStatus();
        },
        ctx.deadline, 4);
    // A booking that won between our look-up and our insert: look again,
    // this time it is committed and will be named.
    if (!IsExclusionViolation(status)) break;
  }
  return status;
}

absl::StatusOr<bv1::Session> SessionStore::Create(const SessionDraft& draft, bool validate_only,
                                                  const pg::WriteContext& ctx) {
  bv1::Session out;
  const absl::Status status = CheckedWrite(
      draft, draft.id, /*replay=*/!validate_only, nullptr,
      [&](pqxx::work& tx, int64_t start, int64_t end, int64_t now) -> absl::Status {
        out = draft.session;
        const int64_t version = 1;
        if (validate_only) {
          // Nothing written, but a taken id is still an error.
          if (!tx.exec_params("SELECT 1 FROM sessions WHERE id = $1", draft.id).empty()) return SessionExists(draft.id);
          out.set_etag("");
          return absl::OkStatus();
        }
        out.set_etag(EtagOf(version));
        SetTimestamp(out.mutable_audit()->mutable_create_time(), now);
        *out.mutable_audit()->mutable_update_time() = out.audit().create_time();
        events::EventEnvelope event;
        if (out.state() == bv1::SESSION_STATE_HELD) {
          ev1::SessionHeld e;
          *e.mutable_session() = out;
          *e.mutable_actor() = ctx.actor;
          event = events::MakeEvent("booking", "session", SessionName(draft.id), version, e, ctx.correlation_id);
        } else {
          ev1::SessionBooked e;
          *e.mutable_session() = out;
          *e.mutable_actor() = ctx.actor;
          event = events::MakeEvent("booking", "session", SessionName(draft.id), version, e, ctx.correlation_id);
        }
        std::string keep, envelope = event.SerializeAsString();
        const auto& s = draft.session;
        const auto a = OccupantArrays(draft.occupants);
        // The session, everything it occupies and its event, in one
        // statement (one round trip; the exclusion constraint decides).
        Prepared(tx, "booking_insert_session",
            "WITH s AS (INSERT INTO sessions (id, host_school, host_region, host_teacher, host_classroom, community, "
            "series_id, subject, mode, local_date, during, state, short_notice, hold_expire_time, version, body) "
            "VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, $9, $10::date, "
            "tstzrange(to_timestamp($11), to_timestamp($12), '[)'), $13, $14, "
            "CASE WHEN $15 > 0 THEN to_timestamp($15) END, $16, $17) RETURNING id), "
            "o AS (INSERT INTO occupancy (session_id, resource, role, school, region, pairing, local_date, during, live) "
            "SELECT $1, r, k, sc, rg, pa, $10::date, tstzrange(to_timestamp($11), to_timestamp($12), '[)'), true "
            "FROM unnest($18::text[], $19::smallint[], $20::text[], $21::text[], $22::text[]) AS u(r, k, sc, rg, pa)) "
            "INSERT INTO outbox (event_id, stream, event_type, aggregate_id, envelope) "
            "SELECT $23::uuid, $24, $25, $26, $27 FROM s",
            draft.id, draft.host_school, draft.host_region, s.host().teacher(), s.host().classroom(),
            draft.community, s.series(), draft.subject, static_cast<int>(s.mode()), DateText(draft.date), start, end,
            static_cast<int>(s.state()), s.short_notice(), s.has_hold_expire_time() ? s.hold_expire_time().seconds() : 0,
            version, Bytes(s, keep), a[0], a[1], a[2], a[3], a[4], event.event_id(), kStream, event.event_type(),
            event.aggregate_id(), pqxx::binarystring(envelope.data(), envelope.size()));
        return absl::OkStatus();
      },
      ctx, &out);
  if (status.code() == absl::StatusCode::kAlreadyExists) return SessionExists(draft.id);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<bv1::Session> SessionStore::Rebook(const std::string& id, const std::string& expected_etag,
                                                  const SessionDraft& draft, const Change& change,
                                                  const pg::WriteContext& ctx) {
  bv1::Session out;
  StoredSession st;
  ChangeOutcome outcome;
  const absl::Status status = CheckedWrite(
      draft, id, /*replay=*/true,
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(st, LockForChange(tx, id, expected_etag, "session."));
        // `change` turns the stored session into the new one (from the draft)
        // and names the event; it may refuse.
        outcome = ChangeOutcome();
        return change(st, outcome);
      },
      [&](pqxx::work& tx, int64_t start, int64_t end, int64_t /*now*/) -> absl::Status {
        const int64_t version = st.version + 1;
        bv1::Session s = st.session;
        s.set_sequence(s.sequence() + 1);
        s.clear_etag();
        s.clear_audit();
        std::string keep;
        auto row = tx.exec_params1(
            "UPDATE sessions SET host_teacher = $2, host_classroom = $3, community = $4, mode = $5, local_date = $6::date, "
            "during = tstzrange(to_timestamp($7), to_timestamp($8), '[)'), state = $9, short_notice = $10, "
            "hold_expire_time = CASE WHEN $11 > 0 THEN to_timestamp($11) END, version = $12, body = $13, "
            "update_time = now() WHERE id = $1 "
            "RETURNING extract(epoch from create_time)::bigint, extract(epoch from update_time)::bigint",
            id, s.host().teacher(), s.host().classroom(), draft.community, static_cast<int>(s.mode()),
            DateText(draft.date), start, end, static_cast<int>(s.state()), s.short_notice(),
            s.has_hold_expire_time() ? s.hold_expire_time().seconds() : 0, version, Bytes(s, keep));
        tx.exec_params("DELETE FROM occupancy WHERE session_id = $1", id);
        InsertOccupancy(tx, id, draft.occupants, draft.date, start, end);
        out = s;
        out.set_etag(EtagOf(version));
        SetTimestamp(out.mutable_audit()->mutable_create_time(), row[0].as<int64_t>());
        SetTimestamp(out.mutable_audit()->mutable_update_time(), row[1].as<int64_t>());
        if (outcome.event) {
          const auto* field = outcome.event->GetDescriptor()->FindFieldByName("session");
          if (field && field->message_type() == bv1::Session::descriptor()) {
            outcome.event->GetReflection()->MutableMessage(outcome.event.get(), field)->CopyFrom(out);
          }
          AppendEvent(tx, id, version, *outcome.event, ctx.correlation_id);
        }
        return absl::OkStatus();
      },
      ctx, &out);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::optional<bv1::Session>> SessionStore::PriorAnswer(const pg::WriteContext& ctx) {
  return pg::PriorAnswer<bv1::Session>(*pool_, ctx);
}

absl::StatusOr<StoredSession> SessionStore::Get(const std::string& id, pg::Deadline deadline) {
  StoredSession st;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params(absl::StrCat("SELECT ", kSessionColumns, " FROM sessions s WHERE s.id = $1"), id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "SESSION_NOT_FOUND")
              .Message("no session " + id)
              .Zh("课程 " + SessionName(id) + " 不存在")
              .Field("name", "no such session");
        }
        st = StoredFromRow(rows[0]);
        return absl::OkStatus();
      },
      deadline));
  return st;
}

absl::StatusOr<bv1::Session> SessionStore::Mutate(const std::string& id, const std::string& expected_etag,
                                                  const Change& change, const pg::WriteContext& ctx, const Also& also) {
  bv1::Session out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<bv1::Session>(tx, ctx));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(StoredSession st, LockForChange(tx, id, expected_etag, ""));
        const StoredSession as_read = st;
        const bv1::SessionState before = st.session.state();
        ChangeOutcome outcome;
        GT_RETURN_IF_ERROR(change(st, outcome));
        if (outcome.unchanged) {
          out = as_read.session;
          return absl::OkStatus();
        }
        const int64_t version = st.version + 1;
        bv1::Session& s = st.session;
        if (s.state() != before) s.set_sequence(s.sequence() + 1);
        s.clear_etag();
        s.clear_audit();
        std::string keep;
        auto row = tx.exec_params1(
            "UPDATE sessions SET state = $2, version = $3, body = $4, short_notice = $5, "
            "hold_expire_time = CASE WHEN $6 > 0 THEN to_timestamp($6) END, flagged = $7, update_time = now() "
            "WHERE id = $1 RETURNING extract(epoch from create_time)::bigint, extract(epoch from update_time)::bigint",
            id, static_cast<int>(s.state()), version, Bytes(s, keep), s.short_notice(),
            s.has_hold_expire_time() ? s.hold_expire_time().seconds() : 0, s.flags_size() > 0);
        // Occupancy follows the state; declined receivers leave.
        std::vector<std::string> gone;
        for (const auto& r : s.receivers()) {
          if (r.state() == bv1::RECEIVER_STATE_DECLINED) gone.push_back(r.school_class());
        }
        tx.exec_params("UPDATE occupancy SET live = ($2 AND NOT (resource = ANY($3::text[]))) WHERE session_id = $1",
                       id, IsLiveState(s.state()), pg::TextArray(gone));
        out = s;
        out.set_etag(EtagOf(version));
        SetTimestamp(out.mutable_audit()->mutable_create_time(), row[0].as<int64_t>());
        SetTimestamp(out.mutable_audit()->mutable_update_time(), row[1].as<int64_t>());
        st.session = out;
        st.version = version;
        if (also) also(tx, st);
        if (outcome.event) {
          // Every booking event's first field is the session: fill it as stored.
          const auto* field = outcome.event->GetDescriptor()->FindFieldByName("session");
          if (field && field->message_type() == bv1::Session::descriptor()) {
            outcome.event->GetReflection()->MutableMessage(outcome.event.get(), field)->CopyFrom(out);
          }
          AppendEvent(tx, id, version, *outcome.event, ctx.correlation_id);
        }
        if (!ctx.request_id.empty()) pg::RecordResponse(tx, ctx.method, ctx.request_id, out.SerializeAsString());
        return absl::OkStatus();
      },
      ctx.deadline));
  return out;
}

absl::StatusOr<bv1::DeliveryRecord> SessionStore::GetDeliveryRecord(const std::string& id, pg::Deadline deadline) {
  bv1::DeliveryRecord out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params("SELECT body, version FROM delivery_records WHERE session_id = $1", id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "DELIVERY_RECORD_NOT_FOUND")
              .Message("session " + id + " has no delivery record")
              .Zh("课程 " + SessionName(id) + " 没有上课记录（不存在或未标记为已上课）")
              .Field("name", "no delivery record");
        }
        pqxx::binarystring body(rows[0][0]);
        out.ParseFromArray(body.data(), static_cast<int>(body.size()));
        out.set_etag(EtagOf(rows[0][1].as<int64_t>()));
        return absl::OkStatus();
      },
      deadline));
  return out;
}

bv1::DeliveryRecord SessionStore::PutDeliveryRecord(pqxx::transaction_base& tx, const std::string& id,
                                                    bv1::DeliveryRecord record,
                                                    const gongtong::common::v1::Actor& actor) {
  auto rows = tx.exec_params("SELECT body, version FROM delivery_records WHERE session_id = $1 FOR UPDATE", id);
  int64_t version = 0;
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  record.set_name(SessionName(id) + "/deliveryRecord");
  record.clear_etag();
  if (rows.empty()) {
    *record.mutable_audit()->mutable_creator() = actor;
    record.mutable_audit()->mutable_create_time()->set_seconds(now);
  } else {
    bv1::DeliveryRecord before;
    pqxx::binarystring body(rows[0][0]);
    before.ParseFromArray(body.data(), static_cast<int>(body.size()));
    version = rows[0][1].as<int64_t>();
    *record.mutable_audit()->mutable_creator() = before.audit().creator();
    *record.mutable_audit()->mutable_create_time() = before.audit().create_time();
  }
  *record.mutable_audit()->mutable_updater() = actor;
  record.mutable_audit()->mutable_update_time()->set_seconds(now);
  std::string keep;
  tx.exec_params(
      "INSERT INTO delivery_records (session_id, version, body) VALUES ($1, $2, $3) "
      "ON CONFLICT (session_id) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body, update_time = now()",
      id, version + 1, Bytes(record, keep));
  record.set_etag(EtagOf(version + 1));
  return record;
}

absl::StatusOr<int> SessionStore::ExpireLapsedHolds(int limit) {
  int n = 0;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    auto rows = tx.exec_params(
        "SELECT id FROM sessions WHERE state = 1 AND hold_expire_time <= now() ORDER BY hold_expire_time LIMIT $1",
        limit);
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r[0].as<std::string>());
    n = CancelLapsedHolds(tx, ids);
    return absl::OkStatus();
  }));
  return n;
}

}  // namespace gongtong::booking
