// The lifecycle of a session (session.proto's state machine): commit,
// confirm, decline, cancel, delivered, not delivered; delivery records.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "booking/domain/booking_access.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "booking/domain/session_lifecycle.h"
#include "booking/domain/session_rules.h"
#include "booking/rpc/booking_service.h"
#include "common/pg/write_context.h"
#include "common/status/error.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::booking {
namespace {

namespace ev1 = gongtong::events::v1;

void Stamp(google::protobuf::Timestamp* t) { t->set_seconds(absl::ToUnixSeconds(absl::Now())); }

// The receiving school an answer is for: the request's, else the caller's.
absl::StatusOr<std::string> AnsweringSchool(const CallContext& call, const std::string& requested) {
  if (requested.empty()) {
    if (call.principal.school_code.empty()) {
      return InvalidField("receiving_school", "is required for a caller without a school", "请指明接收学校");
    }
    return call.principal.school_code;
  }
  return SchoolOfResource(requested, "receiving_school");
}

// Receivers answer for themselves; the host school never answers for them
// (it cancels instead).
absl::Status HostCannotAnswer(const StoredSession& st, const std::string& school) {
  if (st.host_school != school) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
      .Message("the host school cannot answer for its receivers")
      .Zh("主讲学校不能代替接收学校确认或拒绝");
}

absl::Status NotYetHeld(const bv1::Session& s) {
  if (absl::FromUnixSeconds(s.start_time().seconds()) > absl::Now()) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SESSION_NOT_STARTED")
        .Message("the session's window has not started yet")
        .Zh("课程尚未开始，不能记录上课情况")
        .Field("name", "the window has not started");
  }
  return absl::OkStatus();
}

// Classes of the session that take part: the host class and the receivers
// that did not decline.
std::vector<std::string> TakingPart(const bv1::Session& s) {
  std::vector<std::string> classes = {s.host().school_class()};
  for (const auto& r : s.receivers()) {
    if (r.state() != bv1::RECEIVER_STATE_DECLINED) classes.push_back(r.school_class());
  }
  return classes;
}

std::vector<bv1::ReceiverState> ReceiverStates(const bv1::Session& s) {
  std::vector<bv1::ReceiverState> states;
  for (const auto& r : s.receivers()) states.push_back(r.state());
  return states;
}

}  // namespace

const std::set<std::string>& LifecycleMethodNames() {
  static const std::set<std::string> kNames = {"CommitSession",          "ConfirmSession",       "DeclineSession",
                                               "CancelSession",          "MarkSessionDelivered", "MarkSessionNotDelivered",
                                               "GetDeliveryRecord"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::CommitSession(grpc::CallbackServerContext* ctx,
                                                            const bv1::CommitSessionRequest* req, bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "CommitSession", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(StoredSession current, ReadableSession(call, req->name()));
    GT_RETURN_IF_ERROR(CanBookAsHost(call.principal, current.host_school, current.host_region));
    GT_ASSIGN_OR_RETURN(bv1::BookingPolicy policy, deps_.policies->PolicyForBooking(current.community, call.deadline));
    const auto w = pg::Writing(call, "CommitSession", req->request_id(), *req);
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      bv1::Session& s = st.session;
      GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kCommit));
      if (absl::FromUnixSeconds(s.hold_expire_time().seconds()) <= absl::Now()) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "HOLD_EXPIRED")
            .Message("the hold lapsed before it was committed")
            .Zh("预留已过期，请重新预约")
            .Field("name", "the hold expired");
      }
      if (s.topic().empty()) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "TOPIC_REQUIRED")
            .Message("set the topic (UpdateSession) before committing")
            .Zh("提交预约前请先填写课题")
            .Field("name", "the session has no topic");
      }
      const bool short_notice =
          IsShortNotice(LocalToday(absl::Now()), ToCivilDay(s.window().date()), policy.min_lead_days());
      s.set_short_notice(short_notice);
      s.set_state(StateWhenBooked(short_notice));
      s.clear_hold_expire_time();
      auto e = std::make_unique<ev1::SessionBooked>();
      e->set_from_hold(true);
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(current.session.name().substr(9), req->etag(), change, w));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::ConfirmSession(grpc::CallbackServerContext* ctx,
                                                             const bv1::ConfirmSessionRequest* req,
                                                             bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "ConfirmSession", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string school, AnsweringSchool(call, req->receiving_school()));
    GT_RETURN_IF_ERROR(CanAnswerAsReceiver(call.principal, school));
    GT_ASSIGN_OR_RETURN(std::string id, ParseSessionName(req->name(), "name"));
    const auto w = pg::Writing(call, "ConfirmSession", req->request_id(), *req);
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      bv1::Session& s = st.session;
      GT_RETURN_IF_ERROR(HostCannotAnswer(st, school));
      GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kConfirm));
      bool found = false, changed = false;
      for (auto& r : *s.mutable_receivers()) {
        if (r.school() != "schools/" + school || r.state() == bv1::RECEIVER_STATE_DECLINED) continue;
        found = true;
        if (r.state() == bv1::RECEIVER_STATE_CONFIRMED) continue;
        r.set_state(bv1::RECEIVER_STATE_CONFIRMED);
        *r.mutable_answered_by() = w.actor;
        Stamp(r.mutable_answer_time());
        changed = true;
      }
      if (!found) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "NOT_A_RECEIVER")
            .Message("schools/" + school + " has no class in this session")
            .Zh("该学校没有班级参加这节课")
            .Field("receiving_school", "has no class in the session");
      }
      if (!changed) {
        out.unchanged = true;  // confirming again is a no-op
        return absl::OkStatus();
      }
      if (s.state() == bv1::SESSION_STATE_PENDING_CONFIRMATION) {
        s.set_state(StateAfterAnswers(s.short_notice(), ReceiverStates(s)));
      }
      auto e = std::make_unique<ev1::SessionConfirmed>();
      e->set_receiving_school("schools/" + school);
      e->set_fully_confirmed(s.state() == bv1::SESSION_STATE_CONFIRMED);
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(id, req->etag(), change, w));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::DeclineSession(grpc::CallbackServerContext* ctx,
                                                             const bv1::DeclineSessionRequest* req,
                                                             bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "DeclineSession", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string school, AnsweringSchool(call, req->receiving_school()));
    GT_RETURN_IF_ERROR(CanAnswerAsReceiver(call.principal, school));
    GT_ASSIGN_OR_RETURN(std::string id, ParseSessionName(req->name(), "name"));
    GT_RETURN_IF_ERROR(ValidateReason(req->reason(), "reason", kMaxReasonChars));
    const auto w = pg::Writing(call, "DeclineSession", req->request_id(), *req);
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      bv1::Session& s = st.session;
      GT_RETURN_IF_ERROR(HostCannotAnswer(st, school));
      GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kDecline));
      auto e = std::make_unique<ev1::SessionDeclined>();
      for (auto& r : *s.mutable_receivers()) {
        if (r.school() != "schools/" + school || r.state() == bv1::RECEIVER_STATE_DECLINED) continue;
        r.set_state(bv1::RECEIVER_STATE_DECLINED);
        *r.mutable_answered_by() = w.actor;
        Stamp(r.mutable_answer_time());
        e->add_withdrawn_classes(r.school_class());
      }
      if (e->withdrawn_classes_size() == 0) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "NOT_A_RECEIVER")
            .Message("schools/" + school + " has no class in this session")
            .Zh("该学校没有班级参加这节课")
            .Field("receiving_school", "has no class in the session");
      }
      const auto next = StateAfterAnswers(s.short_notice(), ReceiverStates(s));
      if (next == bv1::SESSION_STATE_CANCELLED || s.state() == bv1::SESSION_STATE_PENDING_CONFIRMATION) {
        s.set_state(next);
      }
      if (s.state() == bv1::SESSION_STATE_CANCELLED) {
        auto* c = s.mutable_cancellation();
        c->set_reason_code(bv1::CANCELLATION_REASON_RECEIVERS_DECLINED);
        c->set_reason(req->reason());
        *c->mutable_actor() = w.actor;
        Stamp(c->mutable_time());
      }
      s.set_sequence(s.sequence() + 1);  // participants changed
      e->set_receiving_school("schools/" + school);
      e->set_reason(req->reason());
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(id, req->etag(), change, w));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::CancelSession(grpc::CallbackServerContext* ctx,
                                                            const bv1::CancelSessionRequest* req, bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "CancelSession", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseSessionName(req->name(), "name"));
    GT_RETURN_IF_ERROR(ValidateCancellation(req->reason_code(), req->reason()));
    const auto w = pg::Writing(call, "CancelSession", req->request_id(), *req);
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      GT_RETURN_IF_ERROR(CanCancel(call.principal, st.host_school, st.host_region));
      bv1::Session& s = st.session;
      GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kCancel));
      auto e = std::make_unique<ev1::SessionCancelled>();
      e->set_previous_state(s.state());
      s.set_state(bv1::SESSION_STATE_CANCELLED);
      s.clear_hold_expire_time();
      auto* c = s.mutable_cancellation();
      c->set_reason_code(req->reason_code());
      c->set_reason(req->reason());
      *c->mutable_actor() = w.actor;
      Stamp(c->mutable_time());
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(id, req->etag(), change, w));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::MarkSessionDelivered(grpc::CallbackServerContext* ctx,
                                                                   const bv1::MarkSessionDeliveredRequest* req,
                                                                   bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "MarkSessionDelivered", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(StoredSession current, ReadableSession(call, req->name()));
    GT_RETURN_IF_ERROR(CanRecordDelivery(call.principal, current.host_school, current.host_region,
                                         current.session.host().teacher()));
    // Enrolment defaults to the registry's pupil count of each class.
    bv1::DeliveryRecord record = req->delivery_record();
    for (auto& a : *record.mutable_attendance()) {
      if (a.pupils_enrolled() != 0) continue;
      auto cls = deps_.registry->SchoolClass(a.school_class(), call.deadline);
      if (cls.ok()) a.set_pupils_enrolled(cls->pupil_count());
    }
    const auto w = pg::Writing(call, "MarkSessionDelivered", req->request_id(), *req);
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      bv1::Session& s = st.session;
      GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kMarkDelivered));
      GT_RETURN_IF_ERROR(NotYetHeld(s));
      GT_RETURN_IF_ERROR(ValidateDeliveryRecord(record, TakingPart(s)));
      s.set_state(bv1::SESSION_STATE_DELIVERED);
      auto e = std::make_unique<ev1::SessionDelivered>();
      *e->mutable_delivery_record() = record;
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    auto also = [&](pqxx::transaction_base& tx, const StoredSession& st) {
      SessionStore::PutDeliveryRecord(tx, st.session.name().substr(9), record, w.actor);
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(current.session.name().substr(9), req->etag(), change, w, also));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::MarkSessionNotDelivered(grpc::CallbackServerContext* ctx,
                                                                      const bv1::MarkSessionNotDeliveredRequest* req,
                                                                      bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "MarkSessionNotDelivered", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(ValidateNotDelivered(req->reason_code(), req->reason()));
    GT_ASSIGN_OR_RETURN(StoredSession current, ReadableSession(call, req->name()));
    GT_RETURN_IF_ERROR(CanRecordDelivery(call.principal, current.host_school, current.host_region,
                                         current.session.host().teacher()));
    const auto w = pg::Writing(call, "MarkSessionNotDelivered", req->request_id(), *req);
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      bv1::Session& s = st.session;
      GT_RETURN_IF_ERROR(CheckTransition(s.state(), SessionAction::kMarkNotDelivered));
      GT_RETURN_IF_ERROR(NotYetHeld(s));
      s.set_state(bv1::SESSION_STATE_NOT_DELIVERED);
      auto* n = s.mutable_not_delivered();
      n->set_reason_code(req->reason_code());
      n->set_reason(req->reason());
      *n->mutable_actor() = w.actor;
      Stamp(n->mutable_time());
      auto e = std::make_unique<ev1::SessionNotDelivered>();
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(current.session.name().substr(9), req->etag(), change, w));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::GetDeliveryRecord(grpc::CallbackServerContext* ctx,
                                                                const bv1::GetDeliveryRecordRequest* req,
                                                                bv1::DeliveryRecord* resp) {
  return deps_.edge->Unary(ctx, "GetDeliveryRecord", [=](const CallContext& call) -> absl::Status {
    const std::string suffix = "/deliveryRecord";
    if (!absl::EndsWith(req->name(), suffix)) {
      return InvalidField("name", "must be sessions/{id}/deliveryRecord", "上课记录名称格式不正确");
    }
    const std::string session = req->name().substr(0, req->name().size() - suffix.size());
    GT_ASSIGN_OR_RETURN(StoredSession stored, ReadableSession(call, session));
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->GetDeliveryRecord(stored.session.name().substr(9), call.deadline));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
