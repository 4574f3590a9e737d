// Recurring series: GetSeries, ListSeries, CreateSeries, ModifySeries,
// CancelSeries. A series expands into candidate dates (domain/series_dates.h:
// weekly across a range, holidays skipped, make-up days followed); every
// bookable date becomes its own session, resolved by SessionResolver and
// booked by SessionStore::Create, so each occurrence is checked exactly as a
// single booking (calendar, bell schedules, busy resources, capacity). The
// series row (storage/series_store.h) records per date what became of it.
//
// Writes are per occurrence, not one transaction: each occurrence's write is
// idempotent under a key derived from the series request_id and the date, so
// a retried call after a failure part-way re-books nothing twice and then
// writes the series. all_or_nothing checks every date first and books only
// when all pass; a booking that loses a race afterwards cancels the
// occurrences already booked by this call before answering the conflict.
#include <ctime>
#include <map>

#include "absl/strings/str_cat.h"
#include "booking/domain/booking_access.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "booking/domain/series_dates.h"
#include "booking/domain/series_template.h"
#include "booking/domain/session_lifecycle.h"
#include "booking/domain/session_rules.h"
#include "booking/domain/rebooked_session.h"
#include "booking/rpc/booking_service.h"
#include "common/api/list_request.h"
#include "common/pg/write_context.h"
#include "common/status/error.h"
#include "common/status/extra_detail.h"
#include "gongtong/events/v1/booking_events.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong::booking {
namespace {

namespace ev1 = gongtong::events::v1;

constexpr char kTemplate[] = "series.session_template";
constexpr int kMaxReportedConflicts = 50;

// The booking conflicts carried by a refusal (ConflictError), if any.
std::vector<bv1::BookingConflict> ConflictsOf(const absl::Status& s) {
  std::vector<bv1::BookingConflict> out;
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return out;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return out;
  for (const auto& any : details.details()) {
    bv1::BookingConflictDetails d;
    if (any.UnpackTo(&d)) out.insert(out.end(), d.conflicts().begin(), d.conflicts().end());
  }
  return out;
}

// The outcome of a date whose booking met `conflicts`: a calendar conflict
// means a holiday, a bell-schedule misfit SCHEDULE_MISFIT, the region cap
// alone CAPACITY_EXCEEDED, anything busy CONFLICT.
bv1::OccurrenceOutcome OutcomeOf(const std::vector<bv1::BookingConflict>& conflicts) {
  bool capacity_only = true;
  for (const auto& c : conflicts) {
    if (c.kind() == bv1::CONFLICT_KIND_CALENDAR) return bv1::OCCURRENCE_OUTCOME_SKIPPED_HOLIDAY;
  }
  for (const auto& c : conflicts) {
    if (c.kind() == bv1::CONFLICT_KIND_BELL_SCHEDULE) return bv1::OCCURRENCE_OUTCOME_SCHEDULE_MISFIT;
    if (c.kind() != bv1::CONFLICT_KIND_REGION_CAPACITY) capacity_only = false;
  }
  return capacity_only ? bv1::OCCURRENCE_OUTCOME_CAPACITY_EXCEEDED : bv1::OCCURRENCE_OUTCOME_CONFLICT;
}

// The resolver names a session's fields; a template has receiving_classes[i]
// where a session has receivers[i].school_class.
absl::Status AsTemplateFields(absl::Status s) {
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return s;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return s;
  const std::string from = std::string(kTemplate) + ".receivers[", suffix = "].school_class";
  for (auto& any : *details.mutable_details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (auto& v : *bad.mutable_field_violations()) {
      const std::string& f = v.field();
      if (f.rfind(from, 0) != 0 || f.size() <= from.size() + suffix.size() ||
          f.compare(f.size() - suffix.size(), suffix.size(), suffix) != 0) {
        continue;
      }
      const std::string index = f.substr(from.size(), f.size() - from.size() - suffix.size());
      v.set_field(absl::StrCat(kTemplate, ".receiving_classes[", index, "]"));
    }
    any.PackFrom(bad);
  }
  s.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
  return s;
}

bool Failed(bv1::OccurrenceOutcome o) {
  return o == bv1::OCCURRENCE_OUTCOME_CONFLICT || o == bv1::OCCURRENCE_OUTCOME_SCHEDULE_MISFIT ||
         o == bv1::OCCURRENCE_OUTCOME_CAPACITY_EXCEEDED;
}

bool IsLive(bv1::SessionState s) {
  return s == bv1::SESSION_STATE_HELD || s == bv1::SESSION_STATE_PENDING_CONFIRMATION ||
         s == bv1::SESSION_STATE_CONFIRMED;
}

// The write context of one occurrence of a series call: its own idempotency
// key (the call's request_id and the date), the call's actor.
pg::WriteContext OccurrenceWrite(const pg::WriteContext& call_write, absl::CivilDay date) {
  pg::WriteContext w = call_write;
  w.method = call_write.method + "/occurrence";
  if (!w.request_id.empty()) w.request_id = absl::StrCat(call_write.request_id, "/", FormatDay(date));
  return w;
}

// all_or_nothing refused: FAILED_PRECONDITION with the first 50 conflicts.
absl::Status NotAllBookable(const std::vector<bv1::SeriesOccurrence>& occurrences) {
  bv1::BookingConflictDetails details;
  int failed = 0;
  std::string first_date;
  for (const auto& o : occurrences) {
    if (!Failed(o.outcome())) continue;
    if (failed++ == 0) first_date = FormatDay(ToCivilDay(o.date()));
    for (const auto& c : o.conflicts()) {
      if (details.conflicts_size() < kMaxReportedConflicts) *details.add_conflicts() = c;
    }
  }
  return WithDetail(ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SERIES_NOT_BOOKABLE")
                        .Message(absl::StrCat(failed, " dates of the series cannot be booked (first ", first_date,
                                              "); nothing was booked"))
                        .Zh(absl::StrCat("系列中有 ", failed, " 个日期无法预约（最早 ", first_date, "），已全部放弃"))
                        .Field("all_or_nothing", "some dates cannot be booked")
                        .Build(),
                    details);
}

// Cancels one occurrence session (series cancel, or undoing a booking this
// call made); a session no longer live is left as it is.
absl::Status CancelOccurrence(SessionStore* sessions, const std::string& session_name, bv1::CancellationReason code,
                              const std::string& reason, const pg::WriteContext& w) {
  auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
    bv1::Session& s = st.session;
    if (!IsLive(s.state())) {
      out.unchanged = true;
      return absl::OkStatus();
    }
    GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kCancel));
    auto e = std::make_unique<ev1::SessionCancelled>();
    e->set_previous_state(s.state());
    s.set_state(bv1::SESSION_STATE_CANCELLED);
    s.clear_hold_expire_time();
    auto* c = s.mutable_cancellation();
    c->set_reason_code(code);
    c->set_reason(reason);
    *c->mutable_actor() = w.actor;
    c->mutable_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
    *e->mutable_actor() = w.actor;
    out.event = std::move(e);
    return absl::OkStatus();
  };
  return sessions->Mutate(session_name.substr(std::string("sessions/").size()), "", change, w).status();
}

// Books the planned drafts (or only checks them, `check_only`), filling the
// outcome of each; an error that is not a booking refusal stops it. "{n}" in
// the template's topic counts the occurrences booked (1-based).
absl::Status BookPlanned(SessionStore* sessions, const bv1::SessionTemplate& t,
                         std::vector<BookingServiceImpl::PlannedOccurrence>& plan, bool check_only,
                         const pg::WriteContext& w) {
  int n = 0;
  for (auto& p : plan) {
    if (!p.draft) continue;
    p.draft->session.set_topic(OccurrenceOf(t, p.draft->date, n + 1).topic());
    auto booked = sessions->Create(*p.draft, check_only, OccurrenceWrite(w, p.draft->date));
    if (booked.ok()) {
      ++n;
      p.occurrence.set_outcome(bv1::OCCURRENCE_OUTCOME_BOOKED);
      if (!check_only) p.occurrence.set_session(booked->name());
      continue;
    }
    std::vector<bv1::BookingConflict> conflicts = ConflictsOf(booked.status());
    if (conflicts.empty()) return booked.status();
    p.occurrence.set_outcome(OutcomeOf(conflicts));
    p.occurrence.clear_session();
    for (auto& c : conflicts) *p.occurrence.add_conflicts() = std::move(c);
  }
  return absl::OkStatus();
}

std::vector<bv1::SeriesOccurrence> Occurrences(const std::vector<BookingServiceImpl::PlannedOccurrence>& plan) {
  std::vector<bv1::SeriesOccurrence> out;
  for (const auto& p : plan) out.push_back(p.occurrence);
  return out;
}

// Undoes the bookings of a failed call.
void CancelBooked(SessionStore* sessions, const std::vector<bv1::SeriesOccurrence>& occurrences,
                  const pg::WriteContext& w) {
  for (const auto& o : occurrences) {
    if (o.outcome() != bv1::OCCURRENCE_OUTCOME_BOOKED || o.session().empty()) continue;
    (void)CancelOccurrence(sessions, o.session(), bv1::CANCELLATION_REASON_OTHER,
                           "the series could not be booked as a whole", OccurrenceWrite(w, ToCivilDay(o.date())));
  }
}

bool IsLiveOutcome(const bv1::SeriesOccurrence& o) { return o.outcome() == bv1::OCCURRENCE_OUTCOME_BOOKED; }


// A template error of ModifySeries names the request's session_template,
// not CreateSeries' series.session_template.
absl::Status AsModifyFields(absl::Status s) {
  s = AsTemplateFields(std::move(s));
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return s;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return s;
  const std::string from = "series.";
  for (auto& any : *details.mutable_details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (auto& v : *bad.mutable_field_violations()) {
      if (v.field().rfind(from, 0) == 0) v.set_field(v.field().substr(from.size()));
    }
    any.PackFrom(bad);
  }
  s.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
  return s;
}

// The template with the masked fields of `patch` (ModifySeries' paths).
bv1::SessionTemplate Patched(const bv1::SessionTemplate& current, const bv1::SessionTemplate& patch,
                             const std::vector<std::string>& paths) {
  bv1::SessionTemplate t = current;
  for (const auto& p : paths) {
    if (p == "topic") t.set_topic(patch.topic());
    if (p == "mode") t.set_mode(patch.mode());
    if (p == "host_period") t.set_host_period(patch.host_period());
    if (p == "start_time") *t.mutable_start_time() = patch.start_time();
    if (p == "end_time") *t.mutable_end_time() = patch.end_time();
    if (p == "host.teacher") t.mutable_host()->set_teacher(patch.host().teacher());
    if (p == "host.classroom") t.mutable_host()->set_classroom(patch.host().classroom());
    if (p == "receiving_classes") *t.mutable_receiving_classes() = patch.receiving_classes();
    if (p == "lesson_plan") *t.mutable_lesson_plan() = patch.lesson_plan();
  }
  return t;
}

// The session paths a template change touches (SessionChanged.changed_fields),
// and whether the occurrences must be re-booked (time, host or receivers).
std::vector<std::string> SessionPathsOf(const std::vector<std::string>& template_paths, bool* rebook) {
  std::set<std::string> out;
  *rebook = false;
  for (const auto& p : template_paths) {
    if (p == "start_time" || p == "end_time") {
      out.insert("window");
    } else if (p == "receiving_classes") {
      out.insert("receivers");
    } else {
      out.insert(p);
    }
    if (p != "topic" && p != "mode" && p != "lesson_plan") *rebook = true;
  }
  return {out.begin(), out.end()};
}

// One occurrence to change: its place in the series and the session as the
// new template wants it (resolved when re-booked).
struct ModifiedOccurrence {
  int index = 0;  // in series.occurrences
  std::string session_id;
  bv1::Session wanted;
  std::optional<SessionDraft> draft;  // re-booking only
};

}  // namespace

const std::set<std::string>& SeriesMethodNames() {
  static const std::set<std::string> kNames = {"GetSeries", "ListSeries", "CreateSeries", "ModifySeries", "CancelSeries"};
  return kNames;
}

absl::StatusOr<std::vector<BookingServiceImpl::PlannedOccurrence>> BookingServiceImpl::PlanSeries(
    const bv1::SessionSeries& series, const std::string& series_name, absl::CivilDay from, const CallContext& call) {
  const bv1::SessionTemplate& t = series.session_template();
  const std::string px = kTemplate;
  GT_ASSIGN_OR_RETURN(std::string host, SchoolOfResource(t.host().classroom(), px + ".host.classroom"));
  // Every school's days over the range, in one registry call each.
  std::map<std::string, std::string> school_fields = {{host, px + ".host.classroom"}};
  for (int i = 0; i < t.receiving_classes_size(); ++i) {
    const std::string field = absl::StrCat(px, ".receiving_classes[", i, "]");
    GT_ASSIGN_OR_RETURN(std::string code, SchoolOfResource(t.receiving_classes(i), field));
    school_fields.emplace(code, field);
  }
  const SeriesSpec spec = SpecOf(series);
  std::map<std::string, SchoolDays> days;
  GT_ASSIGN_OR_RETURN(auto resolved, SchoolDaysOf(school_fields, spec.first, spec.last, call));
  for (const auto& [code, list] : resolved) {
    SchoolDays& mine = days["schools/" + code];
    for (const auto& d : list) {
      DayInfo info;
      info.kind = d.kind();
      info.timetable_weekday = ToWeekday(d.timetable_weekday()).value_or(absl::Weekday::monday);
      info.holiday_name = d.holiday_name();
      mine[ToCivilDay(d.date())] = info;
    }
  }

  std::vector<PlannedOccurrence> plan;
  const absl::Time now = absl::Now();
  const absl::CivilDay today = LocalToday(now);
  for (const Candidate& c : ExpandSeries(spec, "schools/" + host, days)) {
    if (c.date < from) continue;
    PlannedOccurrence p;
    *p.occurrence.mutable_date() = ToProtoDate(c.date);
    if (c.date < today) {
      p.occurrence.set_outcome(bv1::OCCURRENCE_OUTCOME_SKIPPED_PAST);
    } else if (c.kind == CandidateKind::kHoliday) {
      p.occurrence.set_outcome(bv1::OCCURRENCE_OUTCOME_SKIPPED_HOLIDAY);
    } else {
      ResolveOptions options;
      options.override_reason = t.bell_schedule_override_reason();
      options.now = now;
      options.prefix = px;
      auto draft = resolver_.Resolve(OccurrenceOf(t, c.date, 1), options, call);
      const std::string reason = draft.ok() ? "" : ReasonOf(draft.status());
      if (reason == "WINDOW_IN_PAST" || reason == "SHORT_NOTICE_NOT_ALLOWED") {
        // Started already today, or inside the lead time where the policy
        // allows no short-notice booking: too late to book, as a past date.
        p.occurrence.set_outcome(bv1::OCCURRENCE_OUTCOME_SKIPPED_PAST);
      } else if (!draft.ok()) {
        return AsTemplateFields(draft.status());  // the template itself is wrong
      } else if (!draft->conflicts.empty()) {
        p.occurrence.set_outcome(OutcomeOf(draft->conflicts));
        for (const auto& x : draft->conflicts) *p.occurrence.add_conflicts() = x;
      } else {
        draft->id = NewResourceId();
        draft->session.set_name(SessionName(draft->id));
        draft->session.set_series(series_name);
        p.draft = std::move(*draft);
      }
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

absl::StatusOr<std::map<std::string, std::vector<rv1::SchoolDay>>> BookingServiceImpl::SchoolDaysOf(
    const std::map<std::string, std::string>& fields, absl::CivilDay first, absl::CivilDay last,
    const CallContext& call) {
  std::map<std::string, std::vector<rv1::SchoolDay>> out;
  for (const auto& [code, field] : fields) {
    auto resolved = deps_.registry->SchoolDays(code, first, last, call.deadline);
    if (!resolved.ok()) {
      if (resolved.status().code() != absl::StatusCode::kNotFound) return resolved.status();
      return ErrorBuilder(absl::StatusCode::kNotFound, "NOT_FOUND")
          .Message(absl::StrCat(field, ": school ", code, " does not exist"))
          .Zh(absl::StrCat("学校 ", code, " 不存在"))
          .Field(field, "does not exist");
    }
    out[code] = std::move(*resolved);
  }
  return out;
}

absl::StatusOr<StoredSeries> BookingServiceImpl::ReadableSeries(const CallContext& call, const std::string& name) {
  GT_ASSIGN_OR_RETURN(std::string id, ParseSeriesName(name, "name"));
  SeriesStore store(deps_.sessions->pool());
  GT_ASSIGN_OR_RETURN(StoredSeries st, store.Get(id, call.deadline));
  SessionParties parties;
  parties.host_school = st.host_school;
  parties.host_region = st.host_region;
  parties.host_teacher = st.host_teacher;
  GT_RETURN_IF_ERROR(CanReadSession(call.principal, parties));
  GT_ASSIGN_OR_RETURN(auto states, store.OccurrenceStates(id, call.deadline));
  for (auto& o : *st.series.mutable_occurrences()) {
    if (o.outcome() != bv1::OCCURRENCE_OUTCOME_BOOKED) continue;
    auto it = states.find(o.session().substr(std::string("sessions/").size()));
    if (it != states.end() && it->second == bv1::SESSION_STATE_CANCELLED) {
      o.set_outcome(bv1::OCCURRENCE_OUTCOME_CANCELLED);
    }
  }
  if (st.series.state() == bv1::SERIES_STATE_ACTIVE && IsFullDate(st.series.dates().end_date()) &&
      ToCivilDay(st.series.dates().end_date()) < LocalToday(absl::Now())) {
    st.series.set_state(bv1::SERIES_STATE_ENDED);
  }
  return st;
}

grpc::ServerUnaryReactor* BookingServiceImpl::GetSeries(grpc::CallbackServerContext* ctx,
                                                        const bv1::GetSeriesRequest* req, bv1::SessionSeries* resp) {
  return deps_.edge->Unary(ctx, "GetSeries", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(StoredSeries st, ReadableSeries(call, req->name()));
    *resp = std::move(st.series);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::ListSeries(grpc::CallbackServerContext* ctx,
                                                         const bv1::ListSeriesRequest* req,
                                                         bv1::ListSeriesResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSeries", [=](const CallContext& call) -> absl::Status {
    SeriesListQuery q;
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), SeriesFilterFields()));
    GT_ASSIGN_OR_RETURN(auto order,
                        api::ParseOrderBy(req->order_by(), {"create_time", "start_date"}, {{"create_time", false}}));
    if (order.size() != 1) return InvalidField("order_by", "sorts by one field", "只能按一个字段排序");
    q.order_field = order[0].field;
    q.order_desc = order[0].descending;
    // Others see only the series of their scope (filtered silently).
    const auth::Principal& p = call.principal;
    switch (p.role) {
      case auth::Role::kProvinceAdmin:
      case auth::Role::kService:
        break;
      case auth::Role::kCountyBureau:
        q.scope_region = p.region_prefix;
        break;
      case auth::Role::kTeacher:
      case auth::Role::kSchoolAdmin:
        q.scope_school = p.school_code.empty() ? "-" : p.school_code;
        break;
      default:
        q.scope_school = "-";  // matches nothing
    }
    const uint64_t fingerprint =
        api::RequestFingerprint({req->filter(), req->order_by(), q.scope_region, q.scope_school});
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req->page_token(), fingerprint, now));
    q.after = std::move(start.after);
    q.count_total = start.count_total;
    int64_t total = start.total;
    SeriesStore store(deps_.sessions->pool());
    GT_ASSIGN_OR_RETURN(SeriesPage page, store.List(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& s : page.series) *resp->add_series() = std::move(s.series);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(page.more, page.last_key, total, fingerprint, now));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::CreateSeries(grpc::CallbackServerContext* ctx,
                                                           const bv1::CreateSeriesRequest* req,
                                                           bv1::SessionSeries* resp) {
  return deps_.edge->Unary(ctx, "CreateSeries", [=](const CallContext& call) -> absl::Status {
    if (!req->has_series()) return InvalidField("series", "is required", "缺少系列信息");
    if (!req->series_id().empty() && !ValidClientId(req->series_id())) {
      return InvalidField("series_id", "must match ^[a-z0-9][a-z0-9-]{0,39}$", "系列编号格式不正确");
    }
    const bv1::SessionSeries& in = req->series();
    GT_RETURN_IF_ERROR(ValidateSeriesShape(in));
    GT_RETURN_IF_ERROR(ValidateTemplateShape(in.session_template()));
    const pg::WriteContext w = pg::Writing(call, "CreateSeries", req->request_id(), *req);
    SeriesStore store(deps_.sessions->pool());
    if (!req->validate_only()) {
      // A retry gets the first answer even if the world changed since.
      GT_ASSIGN_OR_RETURN(auto prior, store.PriorAnswer(w));
      if (prior) {
        *resp = std::move(*prior);
        return absl::OkStatus();
      }
    }
    const std::string id = req->series_id().empty() ? NewResourceId() : req->series_id();
    GT_ASSIGN_OR_RETURN(bool taken, store.Exists(id, call.deadline));
    if (taken) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "SERIES_EXISTS")
          .Message("series " + id + " already exists")
          .Zh("系列编号 " + id + " 已被使用")
          .Field("series_id", "is taken");
    }
    const std::string name = SeriesName(id);
    GT_ASSIGN_OR_RETURN(auto plan, PlanSeries(in, name, absl::CivilDay::min(), call));

    // all_or_nothing: every school-day date must pass before any is booked.
    if (req->all_or_nothing() || req->validate_only()) {
      GT_RETURN_IF_ERROR(BookPlanned(deps_.sessions, in.session_template(), plan, /*check_only=*/true, w));
    }
    const auto checked = Occurrences(plan);
    if (req->all_or_nothing()) {
      for (const auto& o : checked) {
        if (Failed(o.outcome())) return NotAllBookable(checked);
      }
    }

    StoredSeries st;
    st.id = id;
    bv1::SessionSeries& s = st.series;
    s = in;
    s.set_name(name);
    if (s.interval_weeks() == 0) s.set_interval_weeks(1);
    s.set_state(bv1::SERIES_STATE_ACTIVE);
    s.clear_occurrences();
    s.clear_etag();
    s.clear_audit();
    st.host_teacher = in.session_template().host().teacher();
    for (const auto& p : plan) {
      if (p.draft) {
        st.host_school = p.draft->host_school;
        st.host_region = p.draft->host_region;
        st.community = p.draft->community;
        break;
      }
    }
    if (st.host_school.empty()) {  // no date could be resolved: the host
                                   // from the registry
      GT_ASSIGN_OR_RETURN(st.host_school, SchoolOfResource(in.session_template().host().classroom(),
                                                           std::string(kTemplate) + ".host.classroom"));
      GT_ASSIGN_OR_RETURN(auto school, deps_.registry->School(st.host_school, call.deadline));
      st.host_region = school.region_code();
      GT_RETURN_IF_ERROR(CanBookAsHost(call.principal, st.host_school, st.host_region));
    }
    if (req->validate_only()) {
      for (const auto& o : checked) *s.add_occurrences() = o;
      *resp = std::move(s);
      return absl::OkStatus();
    }

    GT_RETURN_IF_ERROR(BookPlanned(deps_.sessions, in.session_template(), plan, /*check_only=*/false, w));
    const auto booked = Occurrences(plan);
    if (req->all_or_nothing()) {
      for (const auto& o : booked) {
        if (!Failed(o.outcome())) continue;
        CancelBooked(deps_.sessions, booked,
                     w);  // lost a race after the check
        return NotAllBookable(booked);
      }
    }
    for (const auto& o : booked) *s.add_occurrences() = o;
    auto written = store.Insert(st, w);
    if (!written.ok()) {
      CancelBooked(deps_.sessions, booked, w);
      return written.status();
    }
    *resp = std::move(*written);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::ModifySeries(grpc::CallbackServerContext* ctx,
                                                           const bv1::ModifySeriesRequest* req,
                                                           bv1::SessionSeries* resp) {
  return deps_.edge->Unary(ctx, "ModifySeries", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(ParseSeriesName(req->name(), "name").status());
    if (!req->has_from_date() || !IsFullDate(req->from_date())) {
      return InvalidField("from_date", "a full date is required", "起始日期必须是完整日期");
    }
    const absl::Time now = absl::Now();
    const absl::CivilDay from = ToCivilDay(req->from_date());
    if (from < LocalToday(now)) return InvalidField("from_date", "is in the past", "起始日期不能早于今天");
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask({req->update_mask().paths().begin(),
                                                          req->update_mask().paths().end()},
                                                         {"topic", "mode", "host_period", "start_time", "end_time",
                                                          "host.teacher", "host.classroom", "receiving_classes",
                                                          "lesson_plan"},
                                                         {"subject", "host.school_class"}));
    const pg::WriteContext w = pg::Writing(call, "ModifySeries", req->request_id(), *req);
    SeriesStore store(deps_.sessions->pool());
    GT_ASSIGN_OR_RETURN(auto prior, store.PriorAnswer(w));
    if (prior) {
      *resp = std::move(*prior);
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(StoredSeries st, ReadableSeries(call, req->name()));
    GT_RETURN_IF_ERROR(CanBookAsHost(call.principal, st.host_school, st.host_region));
    if (!req->etag().empty() && req->etag() != st.series.etag()) {
      return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
          .Message("the series changed since it was read (etag " + st.series.etag() + ")")
          .Zh("系列已被他人修改，请重新读取后再操作")
          .Field("etag", "is stale");
    }
    if (st.series.state() != bv1::SERIES_STATE_ACTIVE) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SERIES_NOT_ACTIVE")
          .Message("series " + st.id + " is " + bv1::SeriesState_Name(st.series.state()))
          .Zh("该系列已取消或已结束，不能修改")
          .Field("name", "not active");
    }
    bv1::SessionTemplate t = Patched(st.series.session_template(), req->session_template(), paths);
    if (!req->bell_schedule_override_reason().empty()) {
      t.set_bell_schedule_override_reason(req->bell_schedule_override_reason());
    }
    GT_RETURN_IF_ERROR(AsModifyFields(ValidateTemplateShape(t)));
    bool rebook = false;
    const std::vector<std::string> session_paths = SessionPathsOf(paths, &rebook);

    // Resolve every affected occurrence before writing any: an error of the
    // template itself (unknown teacher, no permission…) changes nothing.
    std::vector<ModifiedOccurrence> todo;
    int n = 0;  // occurrence number of "{n}": the dates that got a session
    for (int i = 0; i < st.series.occurrences_size(); ++i) {
      const bv1::SeriesOccurrence& o = st.series.occurrences(i);
      if (o.session().empty()) continue;
      ++n;
      const absl::CivilDay date = ToCivilDay(o.date());
      if (o.outcome() != bv1::OCCURRENCE_OUTCOME_BOOKED || o.detached() || date < from) continue;
      ModifiedOccurrence m;
      m.index = i;
      m.session_id = o.session().substr(std::string("sessions/").size());
      GT_ASSIGN_OR_RETURN(StoredSession current, deps_.sessions->Get(m.session_id, call.deadline));
      if (!booking::IsLive(current.session.state())) continue;
      m.wanted = OccurrenceOf(t, date, n);
      if (rebook) {
        ResolveOptions options;
        options.hold = current.session.state() == bv1::SESSION_STATE_HELD;
        options.override_reason = t.bell_schedule_override_reason();
        options.now = now;
        options.prefix = "session_template";
        auto draft = resolver_.Resolve(m.wanted, options, call);
        const std::string reason = draft.ok() ? "" : ReasonOf(draft.status());
        if (reason == "WINDOW_IN_PAST" || reason == "SHORT_NOTICE_NOT_ALLOWED") continue;  // too late to move
        if (!draft.ok()) return AsModifyFields(AsTemplateFields(draft.status()));
        m.draft = std::move(*draft);
      }
      todo.push_back(std::move(m));
    }

    // Each occurrence is changed (or, no longer fitting, cancelled) on its
    // own, idempotent under the call's request_id and its date.
    for (const auto& m : todo) {
      bv1::SeriesOccurrence& o = *st.series.mutable_occurrences(m.index);
      const pg::WriteContext ow = OccurrenceWrite(w, ToCivilDay(o.date()));
      auto make_event = [&](const bv1::Session& before, const bv1::Session& after) {
        auto e = std::make_unique<ev1::SessionChanged>();
        for (const auto& p : session_paths) e->mutable_changed_fields()->add_paths(p);
        *e->mutable_previous_window() = before.window();
        std::set<std::string> was, now_classes;
        for (const auto& r : before.receivers()) {
          if (r.state() != bv1::RECEIVER_STATE_DECLINED) was.insert(r.school_class());
        }
        for (const auto& r : after.receivers()) {
          if (r.state() != bv1::RECEIVER_STATE_DECLINED) now_classes.insert(r.school_class());
        }
        for (const auto& c : was) {
          if (!now_classes.count(c)) e->add_removed_classes(c);
        }
        for (const auto& c : now_classes) {
          if (!was.count(c)) e->add_added_classes(c);
        }
        *e->mutable_actor() = w.actor;
        return e;
      };
      std::vector<bv1::BookingConflict> conflicts;
      if (m.draft && !m.draft->conflicts.empty()) {
        conflicts = m.draft->conflicts;
      } else if (m.draft) {
        auto change = [&](StoredSession& stored, ChangeOutcome& out) -> absl::Status {
          GT_RETURN_IF_ERROR(CheckTransition(stored.session.state(), SessionAction::kUpdate));
          const bv1::Session next = RebookedSession(stored.session, m.draft->session);
          out.event = make_event(stored.session, next);
          stored.session = next;
          return absl::OkStatus();
        };
        auto rebooked = deps_.sessions->Rebook(m.session_id, "", *m.draft, change, ow);
        if (!rebooked.ok()) {
          conflicts = ConflictsOf(rebooked.status());
          if (conflicts.empty()) return rebooked.status();
        }
      } else {
        auto change = [&](StoredSession& stored, ChangeOutcome& out) -> absl::Status {
          if (!booking::IsLive(stored.session.state())) {
            out.unchanged = true;
            return absl::OkStatus();
          }
          GT_RETURN_IF_ERROR(CheckTransition(stored.session.state(), SessionAction::kUpdate));
          const bv1::Session before = stored.session;
          stored.session.set_topic(m.wanted.topic());
          stored.session.set_mode(m.wanted.mode());
          *stored.session.mutable_lesson_plan() = m.wanted.lesson_plan();
          stored.session.set_sequence(stored.session.sequence() + 1);
          out.event = make_event(before, stored.session);
          return absl::OkStatus();
        };
        GT_RETURN_IF_ERROR(deps_.sessions->Mutate(m.session_id, "", change, ow).status());
      }
      if (conflicts.empty()) continue;
      // No longer fits: cancelled, reported with what it collides with.
      GT_RETURN_IF_ERROR(CancelOccurrence(deps_.sessions, o.session(), bv1::CANCELLATION_REASON_OTHER,
                                          "the changed series no longer fits this date", ow));
      o.set_outcome(OutcomeOf(conflicts));
      o.clear_conflicts();
      for (auto& c : conflicts) *o.add_conflicts() = std::move(c);
    }
    *st.series.mutable_session_template() = t;
    GT_ASSIGN_OR_RETURN(*resp, store.Update(st, st.version, w));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::CancelSeries(grpc::CallbackServerContext* ctx,
                                                           const bv1::CancelSeriesRequest* req,
                                                           bv1::SessionSeries* resp) {
  return deps_.edge->Unary(ctx, "CancelSeries", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseSeriesName(req->name(), "name"));
    GT_RETURN_IF_ERROR(ValidateCancellation(req->reason_code(), req->reason()));
    if (req->has_from_date() && !IsFullDate(req->from_date())) {
      return InvalidField("from_date", "must be a full date", "起始日期必须是完整日期");
    }
    const pg::WriteContext w = pg::Writing(call, "CancelSeries", req->request_id(), *req);
    SeriesStore store(deps_.sessions->pool());
    GT_ASSIGN_OR_RETURN(auto prior, store.PriorAnswer(w));
    if (prior) {
      *resp = std::move(*prior);
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(StoredSeries st, ReadableSeries(call, req->name()));
    GT_RETURN_IF_ERROR(CanCancel(call.principal, st.host_school, st.host_region));
    if (!req->etag().empty() && req->etag() != st.series.etag()) {
      return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
          .Message("the series changed since it was read (etag " + st.series.etag() + ")")
          .Zh("系列已被他人修改，请重新读取后再操作")
          .Field("etag", "is stale");
    }
    const absl::CivilDay today = LocalToday(absl::Now());
    const absl::CivilDay from = req->has_from_date() ? std::max(ToCivilDay(req->from_date()), today) : today;
    for (auto& o : *st.series.mutable_occurrences()) {
      if (!IsLiveOutcome(o) || ToCivilDay(o.date()) < from) continue;
      GT_RETURN_IF_ERROR(CancelOccurrence(deps_.sessions, o.session(), req->reason_code(), req->reason(),
                                          OccurrenceWrite(w, ToCivilDay(o.date()))));
      o.set_outcome(bv1::OCCURRENCE_OUTCOME_CANCELLED);
    }
    const bool from_start = !req->has_from_date() || ToCivilDay(req->from_date()) <= SpecOf(st.series).first;
    if (from_start) st.series.set_state(bv1::SERIES_STATE_CANCELLED);
    GT_ASSIGN_OR_RETURN(*resp, store.Update(st, st.version, w));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
