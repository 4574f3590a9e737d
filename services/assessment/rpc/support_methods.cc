// SupportMethods: the implemented-method list, the constructor and what the
// handlers of both files share. Order of checks in a write: names in the
// request (INVALID_ARGUMENT), access (PERMISSION_DENIED, before existence so
// nothing leaks), existence (NOT_FOUND), fields (INVALID_ARGUMENT naming
// them), state in the write transaction (FAILED_PRECONDITION, ABORTED).
#include "assessment/rpc/support_methods.h"

#include "assessment/rpc/support_call.h"
#include "common/status/error.h"

namespace gongtong::assessment {

const std::set<std::string>& SupportMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "GetSupportRules",           "UpdateSupportRules",      "GetSupportQuota",         "UpdateSupportQuota",
      "GetSupportAssignment",      "CreateSupportAssignment", "UpdateSupportAssignment", "DeleteSupportAssignment",
      "UndeleteSupportAssignment", "GetActivityRecord",       "CreateActivityRecord",    "UpdateActivityRecord",
      "DeleteActivityRecord",      "GetTermSummary",          "ListSupportAssignments",  "ListActivityRecords",
      "ListTermSummaries",         "ListSupportQuotas",       "ListCertifications",      "UpdateTermSummary",
      "ConfirmTermSummary",        "SignTermSummary",         "ReceiveTermSummary",      "CertifySupportExperience",
      "GetCertification"};
  return *kNames;
}

SupportMethods::SupportMethods(const AssessmentDeps& deps) : deps_(deps), support_(deps.pool) {}

absl::StatusOr<AssignmentRow> SupportMethods::ReadableAssignment(const CallContext& call, const std::string& id) {
  auto a = support_.GetAssignment(id, call.deadline);
  const bool everything =
      call.principal.role == auth::Role::kProvinceAdmin || call.principal.role == auth::Role::kService;
  if ((a.ok() && !CanReadAssignment(call.principal, a->scope)) ||
      (!a.ok() && a.status().code() == absl::StatusCode::kNotFound && !everything)) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied, "OUTSIDE_SCOPE")
        .Message("the assignment is outside the caller's scope")
        .Zh("无权访问该支教任务");
  }
  return a;
}

grpc::ServerUnaryReactor* SupportMethods::SignStep(grpc::CallbackServerContext* ctx, const char* method,
                                                   av1::SignatureStep step, const google::protobuf::Message* req,
                                                   const std::string& name, const std::string& digest,
                                                   const std::string& etag, const std::string& request_id,
                                                   av1::TermSummary* resp) {
  return deps_.edge->Unary(ctx, method, [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseSummaryName(name, "name"));
    if (digest.empty()) {
      return InvalidField("content_digest", "required: the content_digest of the summary you sign",
                          "须提供所签学期总结的 content_digest");
    }
    // The sign-off rules decide who may sign (R-SUP-4); reading is not required.
    GT_ASSIGN_OR_RETURN(
        *resp, support_.Sign(key.first, key.second, step, digest, etag, Writing(call, method, request_id, *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
