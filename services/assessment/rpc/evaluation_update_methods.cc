// AssessmentService: edits of evaluation inputs. A declaration or
// self-assessment changes only while a live DRAFT (filed ones are read-only,
// so a finalised run's inputs never move); a review score only while no
// finalised run of its region and year used it (create a new run before
// finalising instead). Access as the creates: a school files for itself (a
// project also by its community's core), county bureaus review their region.
// Listed in EvaluationMethodNames().
#include "assessment/domain/evaluation_access.h"
#include "assessment/rpc/evaluation_call.h"
#include "assessment/rpc/evaluation_methods.h"
#include "common/api/list_request.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

std::vector<std::string> Paths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

// A declaration is written by its school's admin; a project also by the
// community's core (as CreateDeclaration).
EvaluationStore::Check<av1::Declaration> MayWriteDeclaration(EvaluationStore& store, const CallContext& call) {
  return [&store, &call](const EvaluationStore::Located<av1::Declaration>& d) -> absl::Status {
    std::string core;
    if (d.item.kind() == av1::DECLARATION_KIND_PROJECT) {
      auto c = store.GetCommunity(d.item.community().substr(12), "name", call.deadline);
      if (c.ok()) core = c->core_school_code;
    }
    return MayFileForSchool(call.principal, d.school_code, core);
  };
}

// Review scores are written by county bureaus of the school's region and the
// province: other roles are refused before the request is read.
absl::Status ReviewerRole(const auth::Principal& p) {
  if (p.role == auth::Role::kCountyBureau || p.role == auth::Role::kProvinceAdmin) return absl::OkStatus();
  return MayWriteReview(p, "");
}

EvaluationStore::Check<av1::ReviewScore> MayWriteReviewOf(const auth::Principal& p) {
  return [&p](const EvaluationStore::Located<av1::ReviewScore>& rs) { return MayWriteReview(p, rs.region_code); };
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationMethods::UpdateDeclaration(grpc::CallbackServerContext* ctx,
                                                               const av1::UpdateDeclarationRequest* req,
                                                               av1::Declaration* resp) {
  return deps_.edge->Unary(ctx, "UpdateDeclaration", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->declaration().name(), "declarations", "declaration.name"));
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask(Paths(req->update_mask()), {"title", "description", "document"},
                                                         {"kind", "community", "school", "school_year"}));
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.UpdateDeclaration(
                                   id, req->declaration(), paths, MayWriteDeclaration(eval_store_, call),
                                   pg::Writing(call, "UpdateDeclaration", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::DeleteDeclaration(grpc::CallbackServerContext* ctx,
                                                               const av1::DeleteDeclarationRequest* req,
                                                               av1::Declaration* resp) {
  return deps_.edge->Unary(ctx, "DeleteDeclaration", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "declarations", "name"));
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.DeleteDeclaration(
                                   id, req->etag(), MayWriteDeclaration(eval_store_, call),
                                   pg::Writing(call, "DeleteDeclaration", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::UpdateSelfAssessment(grpc::CallbackServerContext* ctx,
                                                                  const av1::UpdateSelfAssessmentRequest* req,
                                                                  av1::SelfAssessment* resp) {
  return deps_.edge->Unary(ctx, "UpdateSelfAssessment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id,
                        ParseEvalName(req->self_assessment().name(), "selfAssessments", "self_assessment.name"));
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask(Paths(req->update_mask()), {"scores", "report"},
                                                         {"scheme", "component_id", "school", "community",
                                                          "school_year"}));
    const auto check = [&call](const EvaluationStore::Located<av1::SelfAssessment>& sa) {
      return MayFileForSchool(call.principal, sa.school_code, "");
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.UpdateSelfAssessment(
                                   id, req->self_assessment(), paths, check,
                                   pg::Writing(call, "UpdateSelfAssessment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::UpdateReviewScore(grpc::CallbackServerContext* ctx,
                                                               const av1::UpdateReviewScoreRequest* req,
                                                               av1::ReviewScore* resp) {
  return deps_.edge->Unary(ctx, "UpdateReviewScore", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(ReviewerRole(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->review_score().name(), "reviewScores", "review_score.name"));
    GT_ASSIGN_OR_RETURN(auto paths,
                        api::CheckUpdateMask(Paths(req->update_mask()), {"scores", "method", "reviewers", "review_date"},
                                             {"scheme", "component_id", "school", "community", "school_year"}));
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.UpdateReviewScore(
                                   id, req->review_score(), paths, MayWriteReviewOf(call.principal),
                                   pg::Writing(call, "UpdateReviewScore", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::DeleteReviewScore(grpc::CallbackServerContext* ctx,
                                                               const av1::DeleteReviewScoreRequest* req,
                                                               av1::ReviewScore* resp) {
  return deps_.edge->Unary(ctx, "DeleteReviewScore", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(ReviewerRole(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "reviewScores", "name"));
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.DeleteReviewScore(
                                   id, req->etag(), MayWriteReviewOf(call.principal),
                                   pg::Writing(call, "DeleteReviewScore", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
