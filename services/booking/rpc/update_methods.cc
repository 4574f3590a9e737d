// UpdateSession ("this occurrence") and UpdateDeliveryRecord.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "booking/domain/booking_access.h"
#include "booking/domain/session_lifecycle.h"
#include "booking/domain/session_rules.h"
#include "booking/domain/rebooked_session.h"
#include "booking/rpc/booking_service.h"
#include "common/api/list_request.h"
#include "common/pg/write_context.h"
#include "common/status/error.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::booking {
namespace {

namespace ev1 = gongtong::events::v1;

// Paths whose change moves the session in time or people: every booking
// rule runs again.
bool Rebooks(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    if (p == "window" || p == "host_period" || p == "host.teacher" || p == "host.classroom" || p == "receivers") {
      return true;
    }
  }
  return false;
}

std::vector<std::string> Paths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

std::set<std::string> ClassesOf(const bv1::Session& s) {
  std::set<std::string> out;
  for (const auto& r : s.receivers()) {
    if (r.state() != bv1::RECEIVER_STATE_DECLINED) out.insert(r.school_class());
  }
  return out;
}

// Days after the window within which a delivery record may be amended.
constexpr int kAmendDays = 30;

}  // namespace

const std::set<std::string>& UpdateMethodNames() {
  static const std::set<std::string> kNames = {"UpdateSession", "UpdateDeliveryRecord"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::UpdateSession(grpc::CallbackServerContext* ctx,
                                                            const bv1::UpdateSessionRequest* req, bv1::Session* resp) {
  return deps_.edge->Unary(ctx, "UpdateSession", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseSessionName(req->session().name(), "session.name"));
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask(Paths(req->update_mask()),
                                                         {"topic", "mode", "lesson_plan", "window", "host_period",
                                                          "host.teacher", "host.classroom", "receivers"},
                                                         {"subject", "host.school_class"}));
    const pg::WriteContext w = pg::Writing(call, "UpdateSession", req->request_id(), *req);
    GT_ASSIGN_OR_RETURN(auto prior, deps_.sessions->PriorAnswer(w));
    if (prior) {
      *resp = std::move(*prior);
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(StoredSession current, deps_.sessions->Get(id, call.deadline));
    GT_RETURN_IF_ERROR(CanBookAsHost(call.principal, current.host_school, current.host_region));
    GT_RETURN_IF_ERROR(CheckTransition(current.session.state(), SessionAction::kUpdate));
    // The session as requested: the stored one with the masked fields replaced.
    const bv1::Session& patch = req->session();
    bv1::Session wanted = current.session;
    for (const auto& p : paths) {
      if (p == "topic") wanted.set_topic(patch.topic());
      if (p == "mode") wanted.set_mode(patch.mode());
      if (p == "lesson_plan") *wanted.mutable_lesson_plan() = patch.lesson_plan();
      if (p == "window") *wanted.mutable_window() = patch.window();
      if (p == "host_period") wanted.set_host_period(patch.host_period());
      if (p == "host.teacher") wanted.mutable_host()->set_teacher(patch.host().teacher());
      if (p == "host.classroom") wanted.mutable_host()->set_classroom(patch.host().classroom());
      if (p == "receivers") {
        wanted.clear_receivers();
        for (const auto& r : patch.receivers()) wanted.add_receivers()->set_school_class(r.school_class());
      }
    }
    const bool held = current.session.state() == bv1::SESSION_STATE_HELD;
    GT_RETURN_IF_ERROR(ValidateSessionShape(wanted, held));
    const gongtong::common::v1::LocalTimeWindow previous_window = current.session.window();
    const std::set<std::string> before = ClassesOf(current.session);
    auto make_event = [&](const bv1::Session& after) {
      auto e = std::make_unique<ev1::SessionChanged>();
      for (const auto& p : paths) e->mutable_changed_fields()->add_paths(p);
      *e->mutable_previous_window() = previous_window;
      const std::set<std::string> now = ClassesOf(after);
      for (const auto& c : before) {
        if (!now.count(c)) e->add_removed_classes(c);
      }
      for (const auto& c : now) {
        if (!before.count(c)) e->add_added_classes(c);
      }
      *e->mutable_actor() = w.actor;
      return e;
    };
    // A changed occurrence of a series no longer follows its template.
    auto detach = [&] {
      return SeriesStore(deps_.sessions->pool()).MarkDetached(resp->series(), resp->name(), call.deadline);
    };
    if (!Rebooks(paths)) {
      auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
        GT_RETURN_IF_ERROR(CheckTransition(st.session.state(), SessionAction::kUpdate));
        st.session.set_topic(wanted.topic());
        st.session.set_mode(wanted.mode());
        *st.session.mutable_lesson_plan() = wanted.lesson_plan();
        st.session.set_sequence(st.session.sequence() + 1);
        out.event = make_event(st.session);
        return absl::OkStatus();
      };
      GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Mutate(id, patch.etag(), change, w));
      return detach();
    }
    // A new time, host or receivers: every booking rule again, atomically.
    ResolveOptions options;
    options.hold = held;
    options.override_reason = req->bell_schedule_override_reason();
    GT_ASSIGN_OR_RETURN(SessionDraft draft, resolver_.Resolve(wanted, options, call));
    auto change = [&](StoredSession& st, ChangeOutcome& out) -> absl::Status {
      GT_RETURN_IF_ERROR(CheckTransition(st.session.state(), SessionAction::kUpdate));
      const bv1::Session next = RebookedSession(st.session, draft.session);
      st.session = next;
      out.event = make_event(next);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, deps_.sessions->Rebook(id, patch.etag(), draft, change, w));
    return detach();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::UpdateDeliveryRecord(grpc::CallbackServerContext* ctx,
                                                                   const bv1::UpdateDeliveryRecordRequest* req,
                                                                   bv1::DeliveryRecord* resp) {
  return deps_.edge->Unary(ctx, "UpdateDeliveryRecord", [=](const CallContext& call) -> absl::Status {
    const bv1::DeliveryRecord& patch = req->delivery_record();
    const std::string suffix = "/deliveryRecord";
    if (!absl::EndsWith(patch.name(), suffix)) {
      return InvalidField("delivery_record.name", "must be sessions/{id}/deliveryRecord", "上课记录名称格式不正确");
    }
    GT_ASSIGN_OR_RETURN(std::string id,
                        ParseSessionName(patch.name().substr(0, patch.name().size() - suffix.size()),
                                         "delivery_record.name"));
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask(Paths(req->update_mask()),
                                                         {"attendance", "homework", "preparation_notes",
                                                          "co_marking_notes", "tutoring_notes", "actual_start_time",
                                                          "actual_end_time"},
                                                         {}));
    GT_ASSIGN_OR_RETURN(StoredSession stored, ReadableSession(call, SessionName(id), "delivery_record.name"));
    // The host's admin and teacher amend everything; a receiving school's
    // admin only its own classes' attendance.
    std::string receiver_school;
    if (!CanRecordDelivery(call.principal, stored.host_school, stored.host_region, stored.session.host().teacher())
             .ok()) {
      GT_RETURN_IF_ERROR(CanAnswerAsReceiver(call.principal, call.principal.school_code));
      if (paths != std::vector<std::string>{"attendance"}) {
        return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
            .Message("a receiving school may only amend its own classes' attendance")
            .Zh("接收学校只能修改本校班级的出勤情况");
      }
      receiver_school = "schools/" + call.principal.school_code;
    }
    if (stored.session.state() != bv1::SESSION_STATE_DELIVERED) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "DELIVERY_RECORD_NOT_FOUND")
          .Message("session " + id + " was not delivered")
          .Zh("该课程没有上课记录")
          .Field("delivery_record.name", "no delivery record");
    }
    if (absl::Now() > absl::FromUnixSeconds(stored.session.end_time().seconds()) + absl::Hours(24 * kAmendDays)) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "AMEND_PERIOD_OVER")
          .Message("delivery records may be amended up to 30 days after the session")
          .Zh("上课记录只能在课后30天内修改")
          .Field("delivery_record.name", "amendment period over");
    }
    const pg::WriteContext w = pg::Writing(call, "UpdateDeliveryRecord", req->request_id(), *req);
    GT_ASSIGN_OR_RETURN(bv1::DeliveryRecord current, deps_.sessions->GetDeliveryRecord(id, call.deadline));
    if (!patch.etag().empty() && patch.etag() != current.etag()) {
      return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
          .Message("the record changed since it was read")
          .Zh("上课记录已被他人修改，请重新读取后再操作")
          .Field("delivery_record.etag", "is stale");
    }
    bv1::DeliveryRecord next = current;
    for (const auto& p : paths) {
      if (p == "attendance") {
        if (receiver_school.empty()) {
          *next.mutable_attendance() = patch.attendance();
        } else {
          // Replace only the receiving school's own entries.
          for (const auto& a : patch.attendance()) {
            if (!absl::StartsWith(a.school_class(), receiver_school + "/")) {
              return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
                  .Message(a.school_class() + " is not a class of the caller's school")
                  .Zh("只能修改本校班级的出勤情况")
                  .Field("delivery_record.attendance", "foreign class");
            }
            for (auto& mine : *next.mutable_attendance()) {
              if (mine.school_class() == a.school_class()) mine = a;
            }
          }
        }
      }
      if (p == "homework") *next.mutable_homework() = patch.homework();
      if (p == "preparation_notes") next.set_preparation_notes(patch.preparation_notes());
      if (p == "co_marking_notes") next.set_co_marking_notes(patch.co_marking_notes());
      if (p == "tutoring_notes") next.set_tutoring_notes(patch.tutoring_notes());
      if (p == "actual_start_time") *next.mutable_actual_start_time() = patch.actual_start_time();
      if (p == "actual_end_time") *next.mutable_actual_end_time() = patch.actual_end_time();
    }
    // An entry sent without enrolment keeps the recorded one.
    for (auto& a : *next.mutable_attendance()) {
      if (a.pupils_enrolled() != 0) continue;
      for (const auto& was : current.attendance()) {
        if (was.school_class() == a.school_class()) a.set_pupils_enrolled(was.pupils_enrolled());
      }
    }
    std::vector<std::string> classes = {stored.session.host().school_class()};
    for (const auto& c : ClassesOf(stored.session)) classes.push_back(c);
    GT_RETURN_IF_ERROR(ValidateDeliveryRecord(next, classes));
    // The session row carries the change (its etag guards concurrent
    // amendments); the record is replaced in the same transaction.
    bv1::DeliveryRecord written;
    auto change = [&](StoredSession&, ChangeOutcome& out) -> absl::Status {
      auto e = std::make_unique<ev1::DeliveryRecordUpdated>();
      e->set_session(SessionName(id));
      *e->mutable_delivery_record() = next;
      for (const auto& p : paths) e->mutable_changed_fields()->add_paths(p);
      *e->mutable_actor() = w.actor;
      out.event = std::move(e);
      return absl::OkStatus();
    };
    auto also = [&](pqxx::transaction_base& tx, const StoredSession&) {
      written = SessionStore::PutDeliveryRecord(tx, id, next, w.actor);
    };
    GT_RETURN_IF_ERROR(deps_.sessions->Mutate(id, "", change, w, also).status());
    *resp = written.name().empty() ? next : written;
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
