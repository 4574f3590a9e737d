// Calendar feeds: GetCalendarFeed, an iCalendar document (domain/ical.h) of
// the sessions of a teacher (hosted), a class or a school (hosted or
// received) over a date range. Access (booking_requests.proto): a teacher for
// her own feed and her school's classes; a school admin for its school, its
// classes and teachers; a county for its region; province and ROLE_SERVICE.
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "booking/domain/civil.h"
#include "booking/domain/ical.h"
#include "booking/domain/lead_time.h"
#include "booking/rpc/booking_service.h"
#include "common/api/list_request.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

constexpr int kPastDays = 30, kAheadDays = 180, kMaxFeedDays = 400;
constexpr int kFeedPage = 1000;

// Whose feed: the filter field of ListSessions and its value.
struct FeedOwner {
  std::string filter_field;  // teacher | school_class | school
  std::string value;         // as ListSessions' filter takes it
  std::string school_code;   // the owner's school (filled from the registry for a teacher)
  std::string teacher_id;    // for a teacher
  std::string display_name;
};

absl::StatusOr<FeedOwner> ParseOwner(const std::string& owner) {
  const std::vector<std::string> parts = absl::StrSplit(owner, '/');
  FeedOwner o;
  if (parts.size() == 2 && parts[0] == "teachers" && !parts[1].empty()) {
    o.filter_field = "teacher";
    o.teacher_id = parts[1];
  } else if (parts.size() == 4 && parts[0] == "schools" && parts[2] == "classes" && !parts[1].empty() &&
             !parts[3].empty()) {
    o.filter_field = "school_class";
    o.school_code = parts[1];
  } else if (parts.size() == 2 && parts[0] == "schools" && !parts[1].empty()) {
    o.filter_field = "school";
    o.school_code = parts[1];
  } else {
    return InvalidField("owner", "must be teachers/{id}, schools/{code}/classes/{id} or schools/{code}",
                        "订阅对象必须是教师、班级或学校");
  }
  o.value = owner;
  return o;
}

absl::Status NotFoundOwner(const absl::Status& s, const std::string& owner) {
  if (s.code() != absl::StatusCode::kNotFound) return s;
  return ErrorBuilder(absl::StatusCode::kNotFound, "NOT_FOUND")
      .Message("owner: " + owner + " does not exist")
      .Zh("订阅对象 " + owner + " 不存在")
      .Field("owner", "does not exist");
}

absl::Status Denied(const auth::Principal& p, const std::string& owner) {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
      .Message(absl::StrCat("this caller may not read the calendar feed of ", owner))
      .Zh("无权查看 " + owner + " 的课表订阅")
      .Meta("role", std::string(auth::RoleName(p.role)));
}

// Access to a feed whose owner is resolved (school and region known).
absl::Status CanReadFeed(const auth::Principal& p, const FeedOwner& o, const std::string& region) {
  switch (p.role) {
    case auth::Role::kProvinceAdmin:
    case auth::Role::kService:
      return absl::OkStatus();
    case auth::Role::kCountyBureau:
      if (!p.region_prefix.empty() && absl::StartsWith(region, p.region_prefix)) return absl::OkStatus();
      break;
    case auth::Role::kSchoolAdmin:
      if (!p.school_code.empty() && p.school_code == o.school_code) return absl::OkStatus();
      break;
    case auth::Role::kTeacher:
      if (o.filter_field == "teacher" && !p.teacher_id.empty() && p.teacher_id == o.teacher_id) {
        return absl::OkStatus();
      }
      if (o.filter_field == "school_class" && !p.school_code.empty() && p.school_code == o.school_code) {
        return absl::OkStatus();
      }
      break;
    default:
      break;
  }
  return Denied(p, o.value);
}

}  // namespace

const std::set<std::string>& FeedMethodNames() {
  static const std::set<std::string> kNames = {"GetCalendarFeed"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::GetCalendarFeed(grpc::CallbackServerContext* ctx,
                                                              const bv1::GetCalendarFeedRequest* req,
                                                              bv1::CalendarFeed* resp) {
  return deps_.edge->Unary(ctx, "GetCalendarFeed", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(FeedOwner owner, ParseOwner(req->owner()));
    const absl::Time now = absl::Now();
    const absl::CivilDay today = LocalToday(now);
    absl::CivilDay first = today - kPastDays, last = today + kAheadDays;
    if (req->has_dates()) {
      if (!IsFullDate(req->dates().start_date())) {
        return InvalidField("dates.start_date", "a full date is required", "请填写完整的开始日期");
      }
      if (!IsFullDate(req->dates().end_date())) {
        return InvalidField("dates.end_date", "a full date is required", "请填写完整的结束日期");
      }
      first = ToCivilDay(req->dates().start_date());
      last = ToCivilDay(req->dates().end_date());
      if (last < first || last - first + 1 > kMaxFeedDays) {
        return InvalidField("dates", "the end must not be before the start, at most 400 days", "日期范围最多 400 天");
      }
    }

    // The owner from the registry (NOT_FOUND), then access.
    if (owner.filter_field == "teacher") {
      auto teacher = deps_.registry->Teacher(req->owner(), call.deadline);
      if (!teacher.ok()) return NotFoundOwner(teacher.status(), req->owner());
      owner.school_code = teacher->school().substr(std::string("schools/").size());
      owner.display_name = teacher->display_name();
    } else if (owner.filter_field == "school_class") {
      auto cls = deps_.registry->SchoolClass(req->owner(), call.deadline);
      if (!cls.ok()) return NotFoundOwner(cls.status(), req->owner());
      owner.display_name = cls->display_name();
    }
    auto school = deps_.registry->School(owner.school_code, call.deadline);
    if (!school.ok()) return NotFoundOwner(school.status(), req->owner());
    if (owner.filter_field == "school") owner.display_name = school->display_name();
    GT_RETURN_IF_ERROR(CanReadFeed(call.principal, owner, school->region_code()));

    // Every session of the owner in the range, page by page.
    SessionListQuery q;
    q.filter = {
        {owner.filter_field, "=", owner.value}, {"date", ">=", FormatDay(first)}, {"date", "<=", FormatDay(last)}};
    q.limit = kFeedPage;
    std::vector<IcalEvent> events;
    std::map<std::string, std::string> room_names;
    for (;;) {
      GT_ASSIGN_OR_RETURN(SessionPage page, deps_.sessions->List(q, call.deadline));
      for (const auto& s : page.sessions) {
        if (IcalStatus(s.state()).empty()) continue;  // holds stay out
        auto [it, fresh] = room_names.emplace(s.host().classroom(), "");
        if (fresh) {
          auto room = deps_.registry->Classroom(s.host().classroom(), call.deadline);
          it->second = room.ok() ? room->display_name() : s.host().classroom();
        }
        std::vector<std::string> receivers;
        for (const auto& r : s.receivers()) receivers.push_back(r.school_class());
        events.push_back(IcalEventOf(
            s, it->second,
            absl::StrCat("主讲 ", s.host().teacher(), "；接收班级 ", absl::StrJoin(receivers, "、"), "；", s.name())));
      }
      if (!page.more) break;
      q.after = page.last_key;
    }
    const std::string name = absl::StrCat(owner.display_name.empty() ? req->owner() : owner.display_name, " 课表");
    resp->set_content_type("text/calendar; charset=utf-8");
    resp->set_ics(RenderCalendar(events, now, name));
    // The etag covers the content, not the generation time (DTSTAMP).
    resp->set_etag(
        absl::StrFormat("\"%016x\"", api::RequestFingerprint({RenderCalendar(events, absl::UnixEpoch(), name)})));
    resp->mutable_generate_time()->set_seconds(absl::ToUnixSeconds(now));
    resp->set_event_count(static_cast<int32_t>(events.size()));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
