// Free slots: FindFreeSlots. The request is checked as CreateSession checks a
// booking (the resolver on one probe date: shape, registry facts, pairing,
// access); then, per date of the range that is a school day for every school,
// the host's lesson periods are matched against the receivers' bell
// schedules and the participants' live sessions (domain/free_slots.h), and
// kept while the host region has capacity (R-SYNC-7) and the lead time
// allows booking (R-SYNC-4). A snapshot: booking a slot may still collide.
#include <ctime>
#include <functional>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "booking/domain/booking_access.h"
#include "booking/domain/civil.h"
#include "booking/domain/free_slots.h"
#include "booking/domain/lead_time.h"
#include "booking/domain/session_rules.h"
#include "booking/rpc/booking_service.h"
#include "booking/storage/busy_intervals.h"
#include "common/api/list_request.h"
#include "common/status/error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong::booking {
namespace {

constexpr int kMaxSlotRangeDays = 31;
constexpr int kMaxSlotReceivers = 32;
constexpr int kMaxSlotMinutes = 240;
constexpr int kDefaultSlots = 100, kMaxSlots = 500;

// The resolver names a session's fields ("session.host.teacher",
// "session.receivers[i].school_class"); this request names them "host.teacher"
// and "receiving_classes[i]".
std::string RequestField(const std::string& f) {
  const std::string session = "session.", receivers = "session.receivers[", suffix = "].school_class";
  if (f.rfind(receivers, 0) == 0 && f.size() > receivers.size() + suffix.size() &&
      f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return absl::StrCat("receiving_classes[", f.substr(receivers.size(), f.size() - receivers.size() - suffix.size()),
                        "]");
  }
  if (f == "session.receivers") return "receiving_classes";
  if (f.rfind(session, 0) == 0) return f.substr(session.size());
  return f;
}

absl::Status AsRequestFields(absl::Status s) {
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return s;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return s;
  for (auto& any : *details.mutable_details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (auto& v : *bad.mutable_field_violations()) v.set_field(RequestField(v.field()));
    any.PackFrom(bad);
  }
  s.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
  return s;
}

std::vector<PeriodSlot> PeriodsOf(const rv1::SchoolDay& day) {
  std::vector<PeriodSlot> out;
  for (const auto& p : day.periods()) {
    out.push_back({p.number(), p.kind() == rv1::PERIOD_KIND_LESSON, MinuteOfDay(p.start_time()).value_or(0),
                   MinuteOfDay(p.end_time()).value_or(0)});
  }
  return out;
}

bool IsSchoolDay(rv1::SchoolDayKind k) {
  return k == rv1::SCHOOL_DAY_KIND_SCHOOL_DAY || k == rv1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY;
}

// The session FindFreeSlots' request describes, on `day` in host `period`.
bv1::Session ProbeSession(const bv1::FindFreeSlotsRequest& req, absl::CivilDay day, int period) {
  bv1::Session s;
  *s.mutable_host() = req.host();
  for (const auto& c : req.receiving_classes()) s.add_receivers()->set_school_class(c);
  *s.mutable_subject() = req.subject();
  s.set_topic("-");
  s.set_mode(bv1::SESSION_MODE_DEDICATED_DELIVERY);
  *s.mutable_window()->mutable_date() = ToProtoDate(day);
  s.set_host_period(period);
  return s;
}

// Position in the answer: date, then start minute, then host period.
std::vector<std::string> SlotKey(absl::CivilDay day, const SlotCandidate& c) {
  return {FormatDay(day), absl::StrCat(c.start_min), absl::StrCat(c.host_period)};
}

bool After(const std::vector<std::string>& key, const std::vector<std::string>& cursor) {
  if (cursor.size() != 3) return true;
  if (key[0] != cursor[0]) return key[0] > cursor[0];
  int a = 0, b = 0;
  (void)absl::SimpleAtoi(key[1], &a);
  (void)absl::SimpleAtoi(cursor[1], &b);
  if (a != b) return a > b;
  (void)absl::SimpleAtoi(key[2], &a);
  (void)absl::SimpleAtoi(cursor[2], &b);
  return a > b;
}

}  // namespace

const std::set<std::string>& SlotMethodNames() {
  static const std::set<std::string> kNames = {"FindFreeSlots"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::FindFreeSlots(grpc::CallbackServerContext* ctx,
                                                            const bv1::FindFreeSlotsRequest* req,
                                                            bv1::FindFreeSlotsResponse* resp) {
  return deps_.edge->Unary(ctx, "FindFreeSlots", [=](const CallContext& call) -> absl::Status {
    // The request's own fields.
    if (req->page_size() < 0) return InvalidField("page_size", "must not be negative", "每页数量不能为负数");
    if (req->min_minutes() < 0 || req->min_minutes() > kMaxSlotMinutes) {
      return InvalidField("min_minutes", "must be 0..240", "课时长度必须在 0 到 240 分钟之间");
    }
    if (req->receiving_classes_size() < 1 || req->receiving_classes_size() > kMaxSlotReceivers) {
      return InvalidField("receiving_classes", "give 1 to 32 receiving classes", "接收班级数量必须为 1 到 32 个");
    }
    for (const char* f : {"start_date", "end_date"}) {
      const auto& d = std::string(f) == "start_date" ? req->dates().start_date() : req->dates().end_date();
      if (!IsFullDate(d)) return InvalidField(absl::StrCat("dates.", f), "a full date is required", "请填写完整日期");
    }
    const absl::CivilDay first = ToCivilDay(req->dates().start_date()), last = ToCivilDay(req->dates().end_date());
    if (last < first || last - first >= kMaxSlotRangeDays) {
      return InvalidField("dates", "the end must not be before the start, at most 31 days", "日期范围最多 31 天");
    }
    const int limit = req->page_size() == 0 ? kDefaultSlots : std::min(req->page_size(), kMaxSlots);
    bv1::FindFreeSlotsRequest pinned = *req;
    pinned.clear_page_size();
    pinned.clear_page_token();
    const uint64_t fingerprint = api::RequestFingerprint({pinned.SerializeAsString(), call.principal.subject});
    const int64_t now_unix = static_cast<int64_t>(std::time(nullptr));
    std::vector<std::string> cursor;
    if (!req->page_token().empty()) {
      GT_ASSIGN_OR_RETURN(api::PageCursor c, api::DecodePageToken(req->page_token(), fingerprint, now_unix));
      cursor = c.after;
    }

    // Who may ask: as CreateSession, plus the host teacher herself.
    GT_ASSIGN_OR_RETURN(std::string host, SchoolOfResource(req->host().classroom(), "host.classroom"));
    auto host_school = deps_.registry->School(host, call.deadline);
    if (!host_school.ok()) {
      if (host_school.status().code() != absl::StatusCode::kNotFound) return host_school.status();
      return ErrorBuilder(absl::StatusCode::kNotFound, "NOT_FOUND")
          .Message("host.classroom: school " + host + " does not exist")
          .Zh("学校 " + host + " 不存在")
          .Field("host.classroom", "does not exist");
    }
    const std::string region = host_school->region_code();
    CallContext probe_call{call.principal, call.deadline, call.correlation_id, call.server_context};
    if (!CanBookAsHost(call.principal, host, region).ok()) {
      GT_RETURN_IF_ERROR(CanRecordDelivery(call.principal, host, region, req->host().teacher()));
      probe_call.principal.role = auth::Role::kSchoolAdmin;  // the host teacher asks for her school
      probe_call.principal.school_code = host;
    }

    // Every school's days over the range.
    std::map<std::string, std::string> fields = {{host, "host.classroom"}};
    for (int i = 0; i < req->receiving_classes_size(); ++i) {
      const std::string field = absl::StrCat("receiving_classes[", i, "]");
      GT_ASSIGN_OR_RETURN(std::string code, SchoolOfResource(req->receiving_classes(i), field));
      fields.emplace(code, field);
    }
    std::map<std::string, std::map<absl::CivilDay, rv1::SchoolDay>> days;
    GT_ASSIGN_OR_RETURN(auto resolved, SchoolDaysOf(fields, first, last, call));
    for (auto& [code, list] : resolved) {
      for (auto& d : list) days[code][ToCivilDay(d.date())] = std::move(d);
    }
    const absl::Time now = absl::Now();
    const absl::CivilDay today = LocalToday(now);
    std::vector<absl::CivilDay> dates;  // school days for all, not past
    for (absl::CivilDay d = std::max(first, today); d <= last; ++d) {
      bool all = true;
      for (const auto& [code, by_day] : days) {
        auto it = by_day.find(d);
        all = all && it != by_day.end() && IsSchoolDay(it->second.kind());
      }
      if (all) dates.push_back(d);
    }

    // The request checked as a booking, on the first date with a lesson.
    std::string community;
    for (absl::CivilDay d : dates) {
      for (const auto& p : days[host][d].periods()) {
        if (p.kind() != rv1::PERIOD_KIND_LESSON) continue;
        ResolveOptions options;
        options.now = now;
        auto draft = resolver_.Resolve(ProbeSession(*req, d, p.number()), options, probe_call);
        const std::string reason = draft.ok() ? "" : ReasonOf(draft.status());
        if (reason == "WINDOW_IN_PAST" || reason == "SHORT_NOTICE_NOT_ALLOWED") continue;
        if (!draft.ok()) return AsRequestFields(draft.status());
        community = draft->community;
        break;
      }
      if (!community.empty()) break;
    }
    if (community.empty()) {  // no date to search: the shape is still checked
      GT_RETURN_IF_ERROR(AsRequestFields(ValidateSessionShape(ProbeSession(*req, first, 1), false, "session")));
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(bv1::BookingPolicy policy, deps_.policies->GetPolicy(community, call.deadline));
    GT_ASSIGN_OR_RETURN(CapacityRule cap, deps_.sessions->EffectiveCapacity(region, call.deadline));

    // Busy participants and the region's load, per date.
    std::vector<std::string> resources = {req->host().teacher(), req->host().classroom(), req->host().school_class()};
    resources.insert(resources.end(), req->receiving_classes().begin(), req->receiving_classes().end());
    GT_ASSIGN_OR_RETURN(IntervalsByDay busy,
                        BusyIntervals(deps_.sessions->pool(), resources, first, last, call.deadline));
    GT_ASSIGN_OR_RETURN(IntervalsByDay load,
                        RegionSessions(deps_.sessions->pool(), region, first, last, call.deadline));
    const int now_minute =
        static_cast<int>((absl::ToUnixSeconds(now) - absl::ToUnixSeconds(LocalToInstant(today, 0))) / 60);
    std::vector<std::string> last_key;
    for (absl::CivilDay d : dates) {
      const bool short_notice = IsShortNotice(today, d, policy.min_lead_days());
      if (short_notice && !policy.allow_short_notice()) continue;
      std::vector<ReceiverSchoolDay> receivers;
      for (const auto& [code, by_day] : days) {
        if (code != host) receivers.push_back({"schools/" + code, PeriodsOf(by_day.at(d))});
      }
      for (const SlotCandidate& c : FreeSlotsOnDay(PeriodsOf(days[host][d]), receivers, busy[d], req->min_minutes())) {
        if (d == today && c.start_min <= now_minute) continue;
        const int remaining = cap.limit - PeakOverlap(load[d], c.start_min, c.end_min);
        if (remaining <= 0) continue;
        const auto key = SlotKey(d, c);
        if (!After(key, cursor)) continue;
        if (resp->slots_size() == limit) {
          resp->set_next_page_token(api::EncodePageToken({last_key, 0, now_unix, fingerprint}));
          return absl::OkStatus();
        }
        last_key = key;
        bv1::FreeSlot* slot = resp->add_slots();
        *slot->mutable_window()->mutable_date() = ToProtoDate(d);
        *slot->mutable_window()->mutable_start_time() = ToTimeOfDay(c.start_min);
        *slot->mutable_window()->mutable_end_time() = ToTimeOfDay(c.end_min);
        slot->set_host_period(c.host_period);
        for (const auto& r : c.receivers) {
          auto* rp = slot->add_receiver_periods();
          rp->set_school(r.school);
          rp->set_period(r.period);
          rp->set_overlap_minutes(c.end_min - c.start_min);  // the window lies inside each
        }
        slot->set_capacity_remaining(remaining);
        slot->set_short_notice(short_notice);
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
