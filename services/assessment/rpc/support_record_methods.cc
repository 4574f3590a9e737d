// SupportMethods: activity records (R-SUP-3), term summaries and their
// sign-off (R-SUP-4), certification (R-SUP-5).
#include "assessment/domain/support_access.h"
#include "assessment/rpc/support_call.h"
#include "assessment/rpc/support_methods.h"
#include "common/api/list_request.h"
#include "common/status/error.h"

namespace gongtong::assessment {

namespace {

absl::Status MayRecord(const auth::Principal& p, const AssignmentRow& a) {
  if (CanRecordActivity(p, a.scope)) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "NOT_OWN_ACTIVITY")
      .Message("teachers record their own activities; schools and counties those of their assignments")
      .Zh("教师只能记录本人的支教活动");
}

}  // namespace

grpc::ServerUnaryReactor* SupportMethods::GetActivityRecord(grpc::CallbackServerContext* ctx,
                                                            const av1::GetActivityRecordRequest* req,
                                                            av1::ActivityRecord* resp) {
  return deps_.edge->Unary(ctx, "GetActivityRecord", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseRecordName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, key.first));
    GT_ASSIGN_OR_RETURN(*resp, support_.GetRecord(a.id, key.second, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::CreateActivityRecord(grpc::CallbackServerContext* ctx,
                                                               const av1::CreateActivityRecordRequest* req,
                                                               av1::ActivityRecord* resp) {
  return deps_.edge->Unary(ctx, "CreateActivityRecord", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseAssignmentName(req->parent(), "parent"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    GT_RETURN_IF_ERROR(MayRecord(call.principal, a));
    GT_ASSIGN_OR_RETURN(*resp, support_.CreateRecord(id, req->activity_record(), req->activity_record_id(),
                                                     Writing(call, "CreateActivityRecord", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::UpdateActivityRecord(grpc::CallbackServerContext* ctx,
                                                               const av1::UpdateActivityRecordRequest* req,
                                                               av1::ActivityRecord* resp) {
  return deps_.edge->Unary(ctx, "UpdateActivityRecord", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseRecordName(req->activity_record().name(), "activity_record.name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, key.first));
    GT_RETURN_IF_ERROR(MayRecord(call.principal, a));
    GT_ASSIGN_OR_RETURN(
        auto paths, api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                                         {"date", "start_time", "receiving_school", "lessons", "half_days", "subject",
                                          "topic", "evidence"},
                                         {"kind", "source"}));
    GT_ASSIGN_OR_RETURN(*resp, support_.UpdateRecord(a.id, key.second, req->activity_record(), paths,
                                                     Writing(call, "UpdateActivityRecord", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::DeleteActivityRecord(grpc::CallbackServerContext* ctx,
                                                               const av1::DeleteActivityRecordRequest* req,
                                                               av1::ActivityRecord* resp) {
  return deps_.edge->Unary(ctx, "DeleteActivityRecord", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseRecordName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, key.first));
    GT_RETURN_IF_ERROR(MayRecord(call.principal, a));
    GT_ASSIGN_OR_RETURN(*resp, support_.DeleteRecord(a.id, key.second, req->etag(),
                                                     Writing(call, "DeleteActivityRecord", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::GetTermSummary(grpc::CallbackServerContext* ctx,
                                                         const av1::GetTermSummaryRequest* req,
                                                         av1::TermSummary* resp) {
  return deps_.edge->Unary(ctx, "GetTermSummary", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseSummaryName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, key.first));
    GT_ASSIGN_OR_RETURN(*resp, support_.GetSummary(a.id, key.second, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::UpdateTermSummary(grpc::CallbackServerContext* ctx,
                                                            const av1::UpdateTermSummaryRequest* req,
                                                            av1::TermSummary* resp) {
  return deps_.edge->Unary(ctx, "UpdateTermSummary", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseSummaryName(req->term_summary().name(), "term_summary.name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, key.first));
    const auto& p = call.principal;
    const bool teacher = p.role == auth::Role::kTeacher && !p.teacher_id.empty() && p.teacher_id == a.scope.teacher_id;
    const bool sending = p.role == auth::Role::kSchoolAdmin && p.school_code == a.scope.sending_school;
    if (!teacher && !sending && p.role != auth::Role::kProvinceAdmin) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied, "NOT_OWN_SUMMARY")
          .Message("only the assigned teacher or her school's admin writes the summary")
          .Zh("只有支教教师本人或派出学校可以填写学期总结");
    }
    GT_ASSIGN_OR_RETURN(auto paths,
                        api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                                             {"narrative", "signed_document"}, {}));
    if (req->term_summary().narrative().size() > 8000 * 3) {
      return InvalidField("term_summary.narrative", "at most 8,000 characters", "个人总结最多8000字");
    }
    GT_ASSIGN_OR_RETURN(*resp, support_.UpdateSummary(a.id, key.second, req->term_summary(), paths,
                                                      Writing(call, "UpdateTermSummary", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::ConfirmTermSummary(grpc::CallbackServerContext* ctx,
                                                             const av1::ConfirmTermSummaryRequest* req,
                                                             av1::TermSummary* resp) {
  return SignStep(ctx, "ConfirmTermSummary", av1::SIGNATURE_STEP_RECEIVING_SCHOOL, req, req->name(),
                  req->content_digest(), req->etag(), req->request_id(), resp);
}

grpc::ServerUnaryReactor* SupportMethods::SignTermSummary(grpc::CallbackServerContext* ctx,
                                                          const av1::SignTermSummaryRequest* req,
                                                          av1::TermSummary* resp) {
  return SignStep(ctx, "SignTermSummary", av1::SIGNATURE_STEP_TOWNSHIP_HEAD, req, req->name(), req->content_digest(),
                  req->etag(), req->request_id(), resp);
}

grpc::ServerUnaryReactor* SupportMethods::ReceiveTermSummary(grpc::CallbackServerContext* ctx,
                                                             const av1::ReceiveTermSummaryRequest* req,
                                                             av1::TermSummary* resp) {
  return SignStep(ctx, "ReceiveTermSummary", av1::SIGNATURE_STEP_COUNTY_OFFICE, req, req->name(), req->content_digest(),
                  req->etag(), req->request_id(), resp);
}

grpc::ServerUnaryReactor* SupportMethods::CertifySupportExperience(grpc::CallbackServerContext* ctx,
                                                                   const av1::CertifySupportExperienceRequest* req,
                                                                   av1::Certification* resp) {
  return deps_.edge->Unary(ctx, "CertifySupportExperience", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseAssignmentName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    // The teacher and her school may look (validate_only); the county decides.
    if (!req->validate_only() && !CanManageForRegion(call.principal, a.scope.region)) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied, "OUTSIDE_SCOPE")
          .Message("only the county bureau of the sending school's region or the province certifies")
          .Zh("只有派出学校所在县的教育局或省级管理员可以认定");
    }
    GT_ASSIGN_OR_RETURN(*resp, support_.Certify(id, req->validate_only(), req->etag(),
                                                Writing(call, "CertifySupportExperience", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::GetCertification(grpc::CallbackServerContext* ctx,
                                                           const av1::GetCertificationRequest* req,
                                                           av1::Certification* resp) {
  return deps_.edge->Unary(ctx, "GetCertification", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseCertificationName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    GT_ASSIGN_OR_RETURN(*resp, support_.GetCertification(a.id, call.deadline));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
