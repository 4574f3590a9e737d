// RegistryService: calendars and bell schedules. Each method listed in CalendarMethodNames() is
// implemented in this file; the others of the family still answer
// UNIMPLEMENTED through the edge.
//
// Order of checks in a write: the names in the request (INVALID_ARGUMENT),
// then access (PERMISSION_DENIED, before any validation and before existence,
// so nothing leaks), then existence (NOT_FOUND), then the resource's fields
// (INVALID_ARGUMENT naming them), then state in the write transaction
// (FAILED_PRECONDITION, ABORTED on a stale etag).
#include <random>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "registry/domain/bell_schedule_import.h"
#include "registry/domain/calendar_access.h"
#include "registry/domain/calendar_rules.h"
#include "registry/domain/school_access.h"
#include "registry/domain/school_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {
namespace {

const std::vector<std::string>& UpdatableCalendarPaths() {
  static const auto* kPaths = new std::vector<std::string>{"terms", "holidays", "adjusted_days"};
  return *kPaths;
}

const std::vector<std::string>& UpdatableBellSchedulePaths() {
  static const auto* kPaths = new std::vector<std::string>{"display_name", "season",    "annual_start",
                                                           "annual_end",   "effective", "periods"};
  return *kPaths;
}

// A server-chosen bell schedule id, matching ^[a-z0-9][a-z0-9-]{0,39}$.
std::string NewBellScheduleId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  char buf[24];
  std::snprintf(buf, sizeof(buf), "bs-%012llx", static_cast<unsigned long long>(random() & 0xffffffffffffULL));
  return buf;
}

// The school a bell-schedule call is about. A county bureau cannot tell
// whether a school outside its region exists: PERMISSION_DENIED for it.
absl::StatusOr<rv1::School> SchoolOfCall(SchoolStore* schools, const CallContext& call, const std::string& code) {
  auto school = schools->Get(code, call.deadline);
  if (!school.ok() && school.status().code() == absl::StatusCode::kNotFound &&
      call.principal.role == auth::Role::kCountyBureau) {
    return CanReadBellSchedule(call.principal, "");
  }
  return school;
}

absl::Status CalendarDeleted(const std::string& name) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "CALENDAR_DELETED")
      .Message(name + " is deleted; undelete it first")
      .Zh("该校历已删除，请先恢复");
}

absl::Status BellScheduleDeleted(const std::string& name) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "BELL_SCHEDULE_DELETED")
      .Message(name + " is deleted; undelete it first")
      .Zh("该作息时间表已删除，请先恢复");
}

}  // namespace

const std::set<std::string>& CalendarMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "GetSchoolCalendar",  "ListSchoolCalendars", "CreateSchoolCalendar", "UpdateSchoolCalendar",
      "DeleteSchoolCalendar", "UndeleteSchoolCalendar", "GetBellSchedule", "ListBellSchedules",
      "CreateBellSchedule", "UpdateBellSchedule", "DeleteBellSchedule", "UndeleteBellSchedule",
      "ResolveSchoolDays"};
  return *kNames;
}

// ---- calendars ------------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::GetSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                                 const rv1::GetSchoolCalendarRequest* req,
                                                                 rv1::SchoolCalendar* resp) {
  return edge_->Unary(ctx, "GetSchoolCalendar", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(CalendarKey key, ParseCalendarName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CanReadCalendar(call.principal, key.region_code));
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->GetCalendar(key.region_code, key.school_year, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSchoolCalendars(grpc::CallbackServerContext* ctx,
                                                                   const rv1::ListSchoolCalendarsRequest* req,
                                                                   rv1::ListSchoolCalendarsResponse* resp) {
  return edge_->Unary(ctx, "ListSchoolCalendars", [=](const CallContext& call) -> absl::Status {
    CalendarListQuery q;
    GT_ASSIGN_OR_RETURN(q.region, ParseRegionParent(req->parent(), "parent"));
    if (!q.region.empty()) GT_RETURN_IF_ERROR(CanReadCalendar(call.principal, q.region));
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), CalendarFilterFields()));
    GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req->order_by(), CalendarOrderFields(), {{"school_year", false}}));
    GT_ASSIGN_OR_RETURN(q.region_scope, ListScope(call.principal, /*change_feed=*/false));
    q.also_regions = CalendarAncestorRegions(call.principal);
    q.show_deleted = req->show_deleted();
    const uint64_t fingerprint = api::RequestFingerprint(
        {req->parent(), req->filter(), req->order_by(), req->show_deleted() ? "1" : "0", q.region_scope});
    const int64_t now = NowUnix();
    GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req->page_token(), fingerprint, now));
    q.after = std::move(start.after);
    q.count_total = start.count_total;
    int64_t total = start.total;
    GT_ASSIGN_OR_RETURN(CalendarPage page, stores_.calendars->ListCalendars(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& c : page.calendars) *resp->add_school_calendars() = std::move(c);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(page.more, page.last_key, total, fingerprint, now));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                                    const rv1::CreateSchoolCalendarRequest* req,
                                                                    rv1::SchoolCalendar* resp) {
  return edge_->Unary(ctx, "CreateSchoolCalendar", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string region, ParseRegionParent(req->parent(), "parent"));
    if (region.empty()) {
      return InvalidField("parent", "must name one region, regions/{6-digit region code}", "须指定一个地区");
    }
    GT_RETURN_IF_ERROR(CanWriteCalendar(call.principal, region));
    if (!req->has_school_calendar()) return InvalidField("school_calendar", "is required", "缺少校历信息");
    rv1::SchoolCalendar c = req->school_calendar();
    const int year = c.school_year();
    if (year < 2000 || year > 2100) {
      return InvalidField("school_calendar.school_year", "must be the starting year of the school year, 2000..2100",
                          "学年须为起始年份（2000至2100）");
    }
    GT_RETURN_IF_ERROR(ToStatus(CalendarViolations(c, year, "school_calendar"), "CALENDAR_INVALID"));
    c.set_name(CalendarName(region, year));
    c.set_region_code(region);
    c.clear_etag();
    c.clear_audit();
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->CreateCalendar(
                                   c, Writing(call, "CreateSchoolCalendar", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                                    const rv1::UpdateSchoolCalendarRequest* req,
                                                                    rv1::SchoolCalendar* resp) {
  return edge_->Unary(ctx, "UpdateSchoolCalendar", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(CalendarKey key, ParseCalendarName(req->school_calendar().name(), "school_calendar.name"));
    GT_RETURN_IF_ERROR(CanWriteCalendar(call.principal, key.region_code));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                        api::CheckUpdateMask(requested, UpdatableCalendarPaths(), {"name", "region_code", "school_year"}));
    const rv1::SchoolCalendar& patch = req->school_calendar();
    auto mutate = [&](rv1::SchoolCalendar& c, bool& deleted) -> absl::Status {
      if (deleted) return CalendarDeleted(c.name());
      for (const auto& p : paths) {
        if (p == "terms") *c.mutable_terms() = patch.terms();
        else if (p == "holidays") *c.mutable_holidays() = patch.holidays();
        else if (p == "adjusted_days") *c.mutable_adjusted_days() = patch.adjusted_days();
      }
      return ToStatus(CalendarViolations(c, key.school_year, "school_calendar"), "CALENDAR_INVALID");
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->MutateCalendar(
                                   key.region_code, key.school_year, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths,
                                   mutate, Writing(call, "UpdateSchoolCalendar", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                                    const rv1::DeleteSchoolCalendarRequest* req,
                                                                    rv1::SchoolCalendar* resp) {
  return edge_->Unary(ctx, "DeleteSchoolCalendar", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(CalendarKey key, ParseCalendarName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CanWriteCalendar(call.principal, key.region_code));
    auto mutate = [&](rv1::SchoolCalendar& c, bool& deleted) -> absl::Status {
      if (deleted) {
        return ErrorBuilder(absl::StatusCode::kNotFound, "CALENDAR_NOT_FOUND")
            .Message(c.name() + " is already deleted")
            .Zh("该校历已删除");
      }
      deleted = true;
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->MutateCalendar(
                                   key.region_code, key.school_year, req->etag(), rv1::CHANGE_KIND_DELETED, {}, mutate,
                                   Writing(call, "DeleteSchoolCalendar", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                                      const rv1::UndeleteSchoolCalendarRequest* req,
                                                                      rv1::SchoolCalendar* resp) {
  return edge_->Unary(ctx, "UndeleteSchoolCalendar", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(CalendarKey key, ParseCalendarName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CanWriteCalendar(call.principal, key.region_code));
    auto mutate = [&](rv1::SchoolCalendar& c, bool& deleted) -> absl::Status {
      if (!deleted) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "CALENDAR_NOT_DELETED")
            .Message(c.name() + " is not deleted")
            .Zh("该校历未被删除");
      }
      deleted = false;
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->MutateCalendar(
                                   key.region_code, key.school_year, req->etag(), rv1::CHANGE_KIND_UNDELETED, {},
                                   mutate, Writing(call, "UndeleteSchoolCalendar", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

// ---- bell schedules -------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::GetBellSchedule(grpc::CallbackServerContext* ctx,
                                                               const rv1::GetBellScheduleRequest* req,
                                                               rv1::BellSchedule* resp) {
  return edge_->Unary(ctx, "GetBellSchedule", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(BellScheduleKey key, ParseBellScheduleName(req->name(), "name"));
    if (call.principal.role == auth::Role::kCountyBureau) {
      auto school = SchoolOfCall(schools_, call, key.school_code);
      if (!school.ok()) return school.status();
      GT_RETURN_IF_ERROR(CanReadBellSchedule(call.principal, school->region_code()));
    }
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->GetBellSchedule(key.school_code, key.id, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListBellSchedules(grpc::CallbackServerContext* ctx,
                                                                 const rv1::ListBellSchedulesRequest* req,
                                                                 rv1::ListBellSchedulesResponse* resp) {
  return edge_->Unary(ctx, "ListBellSchedules", [=](const CallContext& call) -> absl::Status {
    BellScheduleListQuery q;
    GT_ASSIGN_OR_RETURN(q.school_code, ParseSchoolParent(req->parent(), "parent"));
    if (!q.school_code.empty() && call.principal.role == auth::Role::kCountyBureau) {
      auto school = SchoolOfCall(schools_, call, q.school_code);
      if (!school.ok()) return school.status();
      GT_RETURN_IF_ERROR(CanReadBellSchedule(call.principal, school->region_code()));
    }
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), BellScheduleFilterFields()));
    GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req->order_by(), BellScheduleOrderFields(), {{"display_name", false}}));
    GT_ASSIGN_OR_RETURN(q.region_scope, ListScope(call.principal, /*change_feed=*/false));
    q.show_deleted = req->show_deleted();
    const uint64_t fingerprint = api::RequestFingerprint(
        {req->parent(), req->filter(), req->order_by(), req->show_deleted() ? "1" : "0", q.region_scope});
    const int64_t now = NowUnix();
    GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req->page_token(), fingerprint, now));
    q.after = std::move(start.after);
    q.count_total = start.count_total;
    int64_t total = start.total;
    GT_ASSIGN_OR_RETURN(BellSchedulePage page, stores_.calendars->ListBellSchedules(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& b : page.schedules) *resp->add_bell_schedules() = std::move(b);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(page.more, page.last_key, total, fingerprint, now));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateBellSchedule(grpc::CallbackServerContext* ctx,
                                                                  const rv1::CreateBellScheduleRequest* req,
                                                                  rv1::BellSchedule* resp) {
  return edge_->Unary(ctx, "CreateBellSchedule", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->parent(), "parent"));
    GT_RETURN_IF_ERROR(MayWriteBellSchedulesAtAll(call.principal, code));
    GT_ASSIGN_OR_RETURN(rv1::School school, SchoolOfCall(schools_, call, code));
    GT_RETURN_IF_ERROR(CanWriteBellSchedule(call.principal, code, school.region_code()));
    std::string id = req->bell_schedule_id();
    if (!id.empty()) {
      const std::string problem = BellScheduleIdProblem(id);
      if (!problem.empty()) return InvalidField("bell_schedule_id", problem, "作息时间表编号须为小写字母、数字或连字符，最长40个字符");
    }
    if (!req->has_bell_schedule()) return InvalidField("bell_schedule", "is required", "缺少作息时间表信息");
    rv1::BellSchedule b = req->bell_schedule();
    GT_RETURN_IF_ERROR(ToStatus(BellScheduleViolations(b, "bell_schedule"), "BELL_SCHEDULE_INVALID"));
    // Output-only fields are ignored.
    b.clear_name();
    b.clear_school();
    b.clear_etag();
    b.clear_audit();
    if (id.empty()) id = NewBellScheduleId();
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->CreateBellSchedule(
                                   code, id, b, "bell_schedule.effective",
                                   Writing(call, "CreateBellSchedule", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateBellSchedule(grpc::CallbackServerContext* ctx,
                                                                  const rv1::UpdateBellScheduleRequest* req,
                                                                  rv1::BellSchedule* resp) {
  return edge_->Unary(ctx, "UpdateBellSchedule", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(BellScheduleKey key, ParseBellScheduleName(req->bell_schedule().name(), "bell_schedule.name"));
    GT_RETURN_IF_ERROR(MayWriteBellSchedulesAtAll(call.principal, key.school_code));
    GT_ASSIGN_OR_RETURN(rv1::School school, SchoolOfCall(schools_, call, key.school_code));
    GT_RETURN_IF_ERROR(CanWriteBellSchedule(call.principal, key.school_code, school.region_code()));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                        api::CheckUpdateMask(requested, UpdatableBellSchedulePaths(), {"name", "school"}));
    const rv1::BellSchedule& patch = req->bell_schedule();
    auto mutate = [&](rv1::BellSchedule& b, bool& deleted) -> absl::Status {
      if (deleted) return BellScheduleDeleted(b.name());
      ApplyBellScheduleFields(patch, paths, &b);
      return ToStatus(BellScheduleViolations(b, "bell_schedule"), "BELL_SCHEDULE_INVALID");
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->MutateBellSchedule(
                                   key.school_code, key.id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths,
                                   "bell_schedule.effective", mutate,
                                   Writing(call, "UpdateBellSchedule", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteBellSchedule(grpc::CallbackServerContext* ctx,
                                                                  const rv1::DeleteBellScheduleRequest* req,
                                                                  rv1::BellSchedule* resp) {
  return edge_->Unary(ctx, "DeleteBellSchedule", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(BellScheduleKey key, ParseBellScheduleName(req->name(), "name"));
    GT_RETURN_IF_ERROR(MayWriteBellSchedulesAtAll(call.principal, key.school_code));
    GT_ASSIGN_OR_RETURN(rv1::School school, SchoolOfCall(schools_, call, key.school_code));
    GT_RETURN_IF_ERROR(CanWriteBellSchedule(call.principal, key.school_code, school.region_code()));
    auto mutate = [&](rv1::BellSchedule& b, bool& deleted) -> absl::Status {
      if (deleted) {
        return ErrorBuilder(absl::StatusCode::kNotFound, "BELL_SCHEDULE_NOT_FOUND")
            .Message(b.name() + " is already deleted")
            .Zh("该作息时间表已删除");
      }
      deleted = true;
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->MutateBellSchedule(
                                   key.school_code, key.id, req->etag(), rv1::CHANGE_KIND_DELETED, {}, "name", mutate,
                                   Writing(call, "DeleteBellSchedule", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteBellSchedule(grpc::CallbackServerContext* ctx,
                                                                    const rv1::UndeleteBellScheduleRequest* req,
                                                                    rv1::BellSchedule* resp) {
  return edge_->Unary(ctx, "UndeleteBellSchedule", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(BellScheduleKey key, ParseBellScheduleName(req->name(), "name"));
    GT_RETURN_IF_ERROR(MayWriteBellSchedulesAtAll(call.principal, key.school_code));
    GT_ASSIGN_OR_RETURN(rv1::School school, SchoolOfCall(schools_, call, key.school_code));
    GT_RETURN_IF_ERROR(CanWriteBellSchedule(call.principal, key.school_code, school.region_code()));
    auto mutate = [&](rv1::BellSchedule& b, bool& deleted) -> absl::Status {
      if (!deleted) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "BELL_SCHEDULE_NOT_DELETED")
            .Message(b.name() + " is not deleted")
            .Zh("该作息时间表未被删除");
      }
      deleted = false;
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.calendars->MutateBellSchedule(
                                   key.school_code, key.id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {}, "name",
                                   mutate, Writing(call, "UndeleteBellSchedule", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

// ---- school days ----------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::ResolveSchoolDays(grpc::CallbackServerContext* ctx,
                                                                 const rv1::ResolveSchoolDaysRequest* req,
                                                                 rv1::ResolveSchoolDaysResponse* resp) {
  return edge_->Unary(ctx, "ResolveSchoolDays", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->school(), "school"));
    const auto& dates = req->dates();
    std::vector<Violation> bad;
    if (!dates.has_start_date() || !IsFullDate(dates.start_date())) {
      bad.push_back({"dates.start_date", "is required and must be a full date", "开始日期必填且须为完整日期"});
    }
    if (!dates.has_end_date() || !IsFullDate(dates.end_date())) {
      bad.push_back({"dates.end_date", "is required and must be a full date", "结束日期必填且须为完整日期"});
    }
    GT_RETURN_IF_ERROR(ToStatus(bad, "DATE_RANGE_INVALID"));
    const CivilDate first = ToCivil(dates.start_date()), last = ToCivil(dates.end_date());
    const int64_t days = DayNumber(last) - DayNumber(first) + 1;
    if (days < 1) return InvalidField("dates.end_date", "must not be before start_date", "结束日期不能早于开始日期");
    if (days > 400) return InvalidField("dates", "at most 400 days", "日期范围不能超过400天");
    GT_ASSIGN_OR_RETURN(rv1::School school, SchoolOfCall(schools_, call, code));
    GT_RETURN_IF_ERROR(CanReadBellSchedule(call.principal, school.region_code()));
    GT_ASSIGN_OR_RETURN(std::vector<SchoolCalendar> calendars,
                        stores_.calendars->LiveCalendars(CalendarRegionsFor(school.region_code()), first.year - 1,
                                                         last.year, call.deadline));
    GT_ASSIGN_OR_RETURN(std::vector<BellSchedule> schedules,
                        stores_.calendars->LiveBellSchedules(code, call.deadline));
    for (auto& d : registry::ResolveSchoolDays(code, school.region_code(), first, last, calendars, schedules)) {
      *resp->add_days() = std::move(d);
    }
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
