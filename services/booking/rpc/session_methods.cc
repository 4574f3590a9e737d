// Sessions: GetSession, ListSessions, CreateSession.
#include <ctime>

#include "booking/domain/session_rules.h"
#include "booking/rpc/booking_service.h"
#include "common/api/list_request.h"
#include "common/pg/write_context.h"
#include "common/status/error.h"

namespace gongtong::booking {

const std::set<std::string>& SessionMethodNames() {
  static const std::set<std::string> kNames = {"GetSession", "ListSessions", "CreateSession"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::GetSession(grpc::CallbackServerContext* ctx,
                                                         const bv1::GetSessionRequest* req, bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "GetSession", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(StoredSession stored, ReadableSession(call, req->name()));
    *resp = std::move(stored.session);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::ListSessions(grpc::CallbackServerContext* ctx,
                                                           const bv1::ListSessionsRequest* req,
                                                           bv1::ListSessionsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSessions", [=](const CallContext& call) -> absl::Status {
    SessionListQuery q;
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), SessionFilterFields()));
    GT_ASSIGN_OR_RETURN(auto order,
                        api::ParseOrderBy(req->order_by(), {"start_time", "update_time"}, {{"start_time", false}}));
    if (order.size() != 1) {
      return InvalidField("order_by", "sorts by one field", "只能按一个字段排序");
    }
    q.order_field = order[0].field;
    q.order_desc = order[0].descending;
    // Others get only what they may read (filtered silently).
    const auth::Principal& p = call.principal;
    switch (p.role) {
      case auth::Role::kProvinceAdmin:
      case auth::Role::kService:
        break;
      case auth::Role::kCountyBureau:
        q.scope_region = p.region_prefix;
        break;
      case auth::Role::kTeacher:
        if (!p.teacher_id.empty()) {
          q.scope_teacher = "teachers/" + p.teacher_id;
          break;
        }
        q.scope_school = p.school_code;
        break;
      case auth::Role::kSchoolAdmin:
        q.scope_school = p.school_code;
        break;
      default:
        q.scope_school = "-";  // matches nothing
    }
    const uint64_t fingerprint = api::RequestFingerprint(
        {req->filter(), req->order_by(), q.scope_region, q.scope_school, q.scope_teacher});
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req->page_token(), fingerprint, now));
    q.after = std::move(start.after);
    q.count_total = start.count_total;
    int64_t total = start.total;
    GT_ASSIGN_OR_RETURN(SessionPage page, deps_.sessions->List(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& s : page.sessions) *resp->add_sessions() = std::move(s);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(page.more, page.last_key, total, fingerprint, now));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::CreateSession(grpc::CallbackServerContext* ctx,
                                                            const bv1::CreateSessionRequest* req, bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "CreateSession", [=](const CallContext& call) -> absl::Status {
    if (!req->has_session()) return InvalidField("session", "is required", "缺少课程信息");
    if (!req->session_id().empty() && !ValidClientId(req->session_id())) {
      return InvalidField("session_id", "must match ^[a-z0-9][a-z0-9-]{0,39}$", "课程编号格式不正确");
    }
    const pg::WriteContext w = pg::Writing(call, "CreateSession", req->request_id(), *req);
    // A retry gets the first answer even if the world changed since.
    GT_ASSIGN_OR_RETURN(auto prior, deps_.sessions->PriorAnswer(w));
    if (prior) {
      *resp = std::move(*prior);
      return absl::OkStatus();
    }
    ResolveOptions options;
    options.hold = req->hold();
    options.override_reason = req->bell_schedule_override_reason();
    GT_ASSIGN_OR_RETURN(SessionDraft draft, resolver_.Resolve(req->session(), options, call));
    draft.id = req->session_id().empty() ? NewResourceId() : req->session_id();
    draft.session.set_name(SessionName(draft.id));
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Create(draft, req->validate_only(), w));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
