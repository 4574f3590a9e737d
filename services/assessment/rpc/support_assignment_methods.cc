// SupportMethods: rules, quotas (R-SUP-1) and assignments.
#include <cctype>

#include "absl/strings/numbers.h"
#include "assessment/domain/support_access.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/rpc/support_call.h"
#include "assessment/rpc/support_methods.h"
#include "common/api/list_request.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::assessment {

namespace {

bool Digits(const std::string& s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// "{prefix}{code}/{collection}/{year}" → (code, year); `code_ok` checks the code.
absl::StatusOr<std::pair<std::string, int>> ParseYearly(const std::string& name, const std::string& prefix,
                                                        const std::string& collection,
                                                        bool (*code_ok)(const std::string&), const std::string& field) {
  auto bad = [&] {
    return InvalidField(field, "must be \"" + prefix + "{code}/" + collection + "/{school_year}\"", "资源名格式无效",
                        "NAME_INVALID");
  };
  if (name.rfind(prefix, 0) != 0) return bad();
  std::string rest = name.substr(prefix.size());
  size_t slash = rest.find('/' + collection + '/');
  if (slash == std::string::npos) return bad();
  std::string code = rest.substr(0, slash);
  std::string year_text = rest.substr(slash + collection.size() + 2);
  int year = 0;
  if (!code_ok(code) || !Digits(year_text) || !absl::SimpleAtoi(Absl(year_text), &year) || year < 2000 || year > 2100) {
    return bad();
  }
  return std::make_pair(code, year);
}

bool IsRegion(const std::string& c) { return Digits(c) && c.size() >= 2 && c.size() <= 6; }
bool IsSchoolCode(const std::string& c) { return Digits(c) && c.size() == 10; }

absl::Status OnlyCountyOrProvince(const auth::Principal& p, const std::string& region) {
  if (CanManageForRegion(p, region)) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "OUTSIDE_SCOPE")
      .Message("only the county bureau of the region or the province may do this")
      .Zh("只有本地区县教育局或省级管理员可以操作");
}

absl::Status MayManage(const auth::Principal& p, const AssignmentRow& a) {
  return OnlyCountyOrProvince(p, a.scope.region);
}

}  // namespace

grpc::ServerUnaryReactor* SupportMethods::GetSupportRules(grpc::CallbackServerContext* ctx,
                                                          const av1::GetSupportRulesRequest* req,
                                                          av1::SupportRules* resp) {
  return deps_.edge->Unary(ctx, "GetSupportRules", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseYearly(req->name(), "regions/", "supportRules", IsRegion, "name"));
    GT_ASSIGN_OR_RETURN(EffectiveRules rules, support_.GetRules(key.first, key.second, call.deadline));
    *resp = rules.proto;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::UpdateSupportRules(grpc::CallbackServerContext* ctx,
                                                             const av1::UpdateSupportRulesRequest* req,
                                                             av1::SupportRules* resp) {
  return deps_.edge->Unary(ctx, "UpdateSupportRules", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(
        auto key, ParseYearly(req->support_rules().name(), "regions/", "supportRules", IsRegion, "support_rules.name"));
    GT_RETURN_IF_ERROR(OnlyCountyOrProvince(call.principal, key.first));
    GT_ASSIGN_OR_RETURN(auto paths,
                        api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                                             {"quota_extra", "hours_per_lesson", "hours_per_research_half_day",
                                              "min_year_hours", "min_year_lessons_taught", "min_term_lessons_taught",
                                              "require_county_receipt", "record_grace_days"},
                                             {}));
    GT_ASSIGN_OR_RETURN(*resp, support_.UpdateRules(key.first, key.second, req->support_rules(), paths,
                                                    Writing(call, "UpdateSupportRules", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::GetSupportQuota(grpc::CallbackServerContext* ctx,
                                                          const av1::GetSupportQuotaRequest* req,
                                                          av1::SupportQuota* resp) {
  return deps_.edge->Unary(ctx, "GetSupportQuota", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseYearly(req->name(), "schools/", "supportQuotas", IsSchoolCode, "name"));
    const auto& p = call.principal;
    const bool own_school =
        (p.role == auth::Role::kSchoolAdmin || p.role == auth::Role::kTeacher) && p.school_code == key.first;
    if (!own_school && p.role != auth::Role::kCountyBureau && p.role != auth::Role::kProvinceAdmin &&
        p.role != auth::Role::kService) {
      return OnlyCountyOrProvince(p, "");
    }
    std::string region;
    GT_ASSIGN_OR_RETURN(*resp, support_.GetQuota(key.first, key.second, call.deadline, &region));
    if (p.role == auth::Role::kCountyBureau) GT_RETURN_IF_ERROR(OnlyCountyOrProvince(p, region));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::UpdateSupportQuota(grpc::CallbackServerContext* ctx,
                                                             const av1::UpdateSupportQuotaRequest* req,
                                                             av1::SupportQuota* resp) {
  return deps_.edge->Unary(ctx, "UpdateSupportQuota", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseYearly(req->support_quota().name(), "schools/", "supportQuotas", IsSchoolCode,
                                              "support_quota.name"));
    const std::string region = RegionOfCaller(call.principal);
    GT_RETURN_IF_ERROR(OnlyCountyOrProvince(call.principal, region));
    GT_ASSIGN_OR_RETURN(auto paths,
                        api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                                             {"prior_year_associate_senior_places", "note"}, {}));
    auto allowed = [&](const std::string& stored) { return CanManageForRegion(call.principal, stored); };
    GT_ASSIGN_OR_RETURN(*resp, support_.UpdateQuota(key.first, key.second, req->support_quota(), paths, region, allowed,
                                                    Writing(call, "UpdateSupportQuota", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::GetSupportAssignment(grpc::CallbackServerContext* ctx,
                                                               const av1::GetSupportAssignmentRequest* req,
                                                               av1::SupportAssignment* resp) {
  return deps_.edge->Unary(ctx, "GetSupportAssignment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseAssignmentName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    *resp = a.assignment;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::CreateSupportAssignment(grpc::CallbackServerContext* ctx,
                                                                  const av1::CreateSupportAssignmentRequest* req,
                                                                  av1::SupportAssignment* resp) {
  return deps_.edge->Unary(ctx, "CreateSupportAssignment", [=](const CallContext& call) -> absl::Status {
    // The sending school's county is the caller's (the registry is not asked here).
    const std::string region = RegionOfCaller(call.principal);
    GT_RETURN_IF_ERROR(OnlyCountyOrProvince(call.principal, region));
    if (!req->support_assignment_id().empty() && !IsResourceId(req->support_assignment_id())) {
      return InvalidField("support_assignment_id", "must match ^[a-z0-9][a-z0-9-]{0,39}$", "任务ID格式无效");
    }
    GT_ASSIGN_OR_RETURN(*resp,
                        support_.CreateAssignment(req->support_assignment(), req->support_assignment_id(), region,
                                                  Writing(call, "CreateSupportAssignment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::UpdateSupportAssignment(grpc::CallbackServerContext* ctx,
                                                                  const av1::UpdateSupportAssignmentRequest* req,
                                                                  av1::SupportAssignment* resp) {
  return deps_.edge->Unary(ctx, "UpdateSupportAssignment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id,
                        ParseAssignmentName(req->support_assignment().name(), "support_assignment.name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    GT_RETURN_IF_ERROR(MayManage(call.principal, a));
    GT_ASSIGN_OR_RETURN(
        auto paths,
        api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                             {"receiving_schools", "kind", "period", "subjects", "rotation", "withdrawal_reason"},
                             {"teacher", "sending_school", "school_year"}));
    GT_ASSIGN_OR_RETURN(*resp,
                        support_.UpdateAssignment(id, req->support_assignment(), paths,
                                                  Writing(call, "UpdateSupportAssignment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::DeleteSupportAssignment(grpc::CallbackServerContext* ctx,
                                                                  const av1::DeleteSupportAssignmentRequest* req,
                                                                  av1::SupportAssignment* resp) {
  return deps_.edge->Unary(ctx, "DeleteSupportAssignment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseAssignmentName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    GT_RETURN_IF_ERROR(MayManage(call.principal, a));
    GT_ASSIGN_OR_RETURN(*resp,
                        support_.DeleteAssignment(id, req->etag(), /*undelete=*/false,
                                                  Writing(call, "DeleteSupportAssignment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::UndeleteSupportAssignment(grpc::CallbackServerContext* ctx,
                                                                    const av1::UndeleteSupportAssignmentRequest* req,
                                                                    av1::SupportAssignment* resp) {
  return deps_.edge->Unary(ctx, "UndeleteSupportAssignment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseAssignmentName(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(AssignmentRow a, ReadableAssignment(call, id));
    GT_RETURN_IF_ERROR(MayManage(call.principal, a));
    GT_ASSIGN_OR_RETURN(*resp,
                        support_.DeleteAssignment(id, req->etag(), /*undelete=*/true,
                                                  Writing(call, "UndeleteSupportAssignment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
