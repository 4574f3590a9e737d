// AssessmentService: evaluation schemes and inputs (R-EVAL-1 … R-EVAL-3).
// Each method listed in EvaluationMethodNames() is implemented here or in
// evaluation_run_methods.cc.
#include "assessment/rpc/evaluation_methods.h"

#include <ctime>

#include "assessment/domain/evaluation_access.h"
#include "assessment/rpc/evaluation_call.h"
#include "common/api/list_request.h"
#include "common/api/offset_page.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

// 2–6 digits of GB/T 2260 ("" only for the built-in default).
absl::Status CheckRegion(const std::string& region, const std::string& field) {
  bool ok = region.size() >= 2 && region.size() <= 6;
  for (char c : region) ok = ok && c >= '0' && c <= '9';
  if (ok) return absl::OkStatus();
  return InvalidField(field, "must be 2-6 digits of an administrative region code", "行政区划代码须为2到6位数字");
}

}  // namespace

const std::set<std::string>& EvaluationMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "GetEvaluationScheme",   "CreateEvaluationScheme", "PublishEvaluationScheme", "CreateDeclaration",
      "FileDeclaration",       "CreateSelfAssessment",   "SubmitSelfAssessment",    "CreateReviewScore",
      "CreateEvaluationRun",   "GetEvaluationRun",       "FinaliseEvaluationRun",   "GetCommunityResult",
      "GetSchoolResult",       "ExportEvaluationResults", "ListCommunityResults",
      "ListIndicatorValues",   "ListEvaluationRuns",     "ListSchoolResults",       "ListSubmissionStatuses",
      "GetDeclaration",        "ListDeclarations",       "UpdateDeclaration",       "DeleteDeclaration",
      "GetSelfAssessment",     "ListSelfAssessments",    "UpdateSelfAssessment",    "GetReviewScore",
      "ListReviewScores",      "UpdateReviewScore",      "DeleteReviewScore",       "ListEvaluationSchemes",
      "UpdateEvaluationScheme", "DeleteEvaluationScheme"};
  return *kNames;
}

google::type::Date TodayInChina() {
  const std::time_t t = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  google::type::Date d;
  d.set_year(tm.tm_year + 1900);
  d.set_month(tm.tm_mon + 1);
  d.set_day(tm.tm_mday);
  return d;
}

EvaluationMethods::EvaluationMethods(const AssessmentDeps& deps)
    : SupportMethods(deps), eval_store_(deps.pool, TodayInChina) {}

// ---- schemes ------------------------------------------------------------------

grpc::ServerUnaryReactor* EvaluationMethods::GetEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                                 const av1::GetEvaluationSchemeRequest* req,
                                                                 av1::EvaluationScheme* resp) {
  return deps_.edge->Unary(ctx, "GetEvaluationScheme", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "evaluationSchemes", "name"));
    GT_ASSIGN_OR_RETURN(SchemeRow row, eval_store_.GetScheme(id, call.deadline));
    *resp = std::move(row.scheme);  // every role reads schemes
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::CreateEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                                    const av1::CreateEvaluationSchemeRequest* req,
                                                                    av1::EvaluationScheme* resp) {
  return deps_.edge->Unary(ctx, "CreateEvaluationScheme", [=](const CallContext& call) -> absl::Status {
    const auto& s = req->evaluation_scheme();
    GT_RETURN_IF_ERROR(MayWriteScheme(call.principal, s.region_code()));
    GT_RETURN_IF_ERROR(CheckRegion(s.region_code(), "evaluation_scheme.region_code"));
    GT_RETURN_IF_ERROR(ValidateScheme(s, "evaluation_scheme"));
    GT_ASSIGN_OR_RETURN(std::string id,
                        IdOrGenerated(req->evaluation_scheme_id(), "evaluation_scheme_id", "scheme"));
    av1::EvaluationScheme input = s;
    input.clear_name();
    input.clear_version();
    input.clear_state();
    input.clear_etag();
    input.clear_audit();
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.CreateScheme(
                                   id, input, pg::Writing(call, "CreateEvaluationScheme", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::PublishEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                                     const av1::PublishEvaluationSchemeRequest* req,
                                                                     av1::EvaluationScheme* resp) {
  return deps_.edge->Unary(ctx, "PublishEvaluationScheme", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "evaluationSchemes", "name"));
    const auto check = [&call](const av1::EvaluationScheme& s) {
      return MayWriteScheme(call.principal, s.region_code());
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.PublishScheme(
                                   id, req->etag(), check,
                                   pg::Writing(call, "PublishEvaluationScheme", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

// ---- inputs -------------------------------------------------------------------

grpc::ServerUnaryReactor* EvaluationMethods::CreateDeclaration(grpc::CallbackServerContext* ctx,
                                                               const av1::CreateDeclarationRequest* req,
                                                               av1::Declaration* resp) {
  return deps_.edge->Unary(ctx, "CreateDeclaration", [=](const CallContext& call) -> absl::Status {
    const auto& d = req->declaration();
    if (d.kind() == av1::DECLARATION_KIND_UNSPECIFIED || !av1::DeclarationKind_IsValid(d.kind())) {
      return InvalidField("declaration.kind", "required", "申报类别必填");
    }
    GT_ASSIGN_OR_RETURN(std::string school, ParseSchoolRef(d.school(), "declaration.school"));
    GT_ASSIGN_OR_RETURN(std::string community_id, ParseEvalName(d.community(), "communities", "declaration.community"));
    GT_RETURN_IF_ERROR(CheckSchoolYear(d.school_year(), "declaration.school_year"));
    if (d.title().empty()) return InvalidField("declaration.title", "required", "申报名称必填");
    GT_ASSIGN_OR_RETURN(CommunityFact c, eval_store_.GetCommunity(community_id, "declaration.community", call.deadline));
    // A project is agreed by the pair: the core's admin may file it too.
    GT_RETURN_IF_ERROR(MayFileForSchool(call.principal, school,
                                        d.kind() == av1::DECLARATION_KIND_PROJECT ? c.core_school_code : ""));
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->declaration_id(), "declaration_id", "decl"));
    av1::Declaration input = d;
    input.clear_name();
    input.clear_state();
    input.clear_filing();
    input.clear_etag();
    input.clear_audit();
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.CreateDeclaration(
                                   id, input, pg::Writing(call, "CreateDeclaration", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::FileDeclaration(grpc::CallbackServerContext* ctx,
                                                             const av1::FileDeclarationRequest* req,
                                                             av1::Declaration* resp) {
  return deps_.edge->Unary(ctx, "FileDeclaration", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "declarations", "name"));
    const auto check = [&call](const av1::Declaration& d) {
      return MayFileForSchool(call.principal, d.school().substr(8), "");
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.FileDeclaration(
                                   id, req->etag(), check, pg::Writing(call, "FileDeclaration", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::CreateSelfAssessment(grpc::CallbackServerContext* ctx,
                                                                  const av1::CreateSelfAssessmentRequest* req,
                                                                  av1::SelfAssessment* resp) {
  return deps_.edge->Unary(ctx, "CreateSelfAssessment", [=](const CallContext& call) -> absl::Status {
    const auto& sa = req->self_assessment();
    GT_ASSIGN_OR_RETURN(std::string school, ParseSchoolRef(sa.school(), "self_assessment.school"));
    GT_RETURN_IF_ERROR(MayFileForSchool(call.principal, school, ""));
    GT_RETURN_IF_ERROR(ParseEvalName(sa.scheme(), "evaluationSchemes", "self_assessment.scheme").status());
    GT_RETURN_IF_ERROR(ParseEvalName(sa.community(), "communities", "self_assessment.community").status());
    GT_RETURN_IF_ERROR(CheckSchoolYear(sa.school_year(), "self_assessment.school_year"));
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->self_assessment_id(), "self_assessment_id", "sa"));
    av1::SelfAssessment input = sa;
    input.clear_name();
    input.clear_total();
    input.clear_state();
    input.clear_filing();
    input.clear_etag();
    input.clear_audit();
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.CreateSelfAssessment(
                                   id, input, pg::Writing(call, "CreateSelfAssessment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::SubmitSelfAssessment(grpc::CallbackServerContext* ctx,
                                                                  const av1::SubmitSelfAssessmentRequest* req,
                                                                  av1::SelfAssessment* resp) {
  return deps_.edge->Unary(ctx, "SubmitSelfAssessment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "selfAssessments", "name"));
    const auto check = [&call](const av1::SelfAssessment& sa) {
      return MayFileForSchool(call.principal, sa.school().substr(8), "");
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.SubmitSelfAssessment(
                                   id, req->etag(), check,
                                   pg::Writing(call, "SubmitSelfAssessment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::CreateReviewScore(grpc::CallbackServerContext* ctx,
                                                               const av1::CreateReviewScoreRequest* req,
                                                               av1::ReviewScore* resp) {
  return deps_.edge->Unary(ctx, "CreateReviewScore", [=](const CallContext& call) -> absl::Status {
    const auto& rs = req->review_score();
    const auth::Principal& p = call.principal;
    if (p.role != auth::Role::kCountyBureau && p.role != auth::Role::kProvinceAdmin) {
      return MayWriteReview(p, "");
    }
    GT_RETURN_IF_ERROR(ParseSchoolRef(rs.school(), "review_score.school").status());
    GT_ASSIGN_OR_RETURN(std::string community_id, ParseEvalName(rs.community(), "communities", "review_score.community"));
    GT_RETURN_IF_ERROR(ParseEvalName(rs.scheme(), "evaluationSchemes", "review_score.scheme").status());
    GT_RETURN_IF_ERROR(CheckSchoolYear(rs.school_year(), "review_score.school_year"));
    if (rs.method() == av1::REVIEW_METHOD_UNSPECIFIED) {
      return InvalidField("review_score.method", "required", "评审方式必填");
    }
    GT_ASSIGN_OR_RETURN(CommunityFact c, eval_store_.GetCommunity(community_id, "review_score.community", call.deadline));
    GT_RETURN_IF_ERROR(MayWriteReview(p, c.region_code));
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->review_score_id(), "review_score_id", "rs"));
    av1::ReviewScore input = rs;
    input.clear_name();
    input.clear_total();
    input.clear_etag();
    input.clear_audit();
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.CreateReviewScore(
                                   id, input, pg::Writing(call, "CreateReviewScore", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

// ---- indicators ----------------------------------------------------------------

grpc::ServerUnaryReactor* EvaluationMethods::ListIndicatorValues(grpc::CallbackServerContext* ctx,
                                                                 const av1::ListIndicatorValuesRequest* req,
                                                                 av1::ListIndicatorValuesResponse* resp) {
  return deps_.edge->Unary(ctx, "ListIndicatorValues", [=](const CallContext& call) -> absl::Status {
    const auth::Principal& p = call.principal;
    std::string region;
    switch (p.role) {
      case auth::Role::kProvinceAdmin:
      case auth::Role::kService: break;
      case auth::Role::kCountyBureau: region = p.region_prefix; break;
      default: return AccessDenied("read indicator values", "查看指标数据");  // schools: through their results
    }
    GT_RETURN_IF_ERROR(CheckSchoolYear(req->school_year(), "school_year"));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"metric", {"="}}, {"community", {"="}}}));
    int metric = 0;
    std::string community;
    for (const auto& t : terms) {
      if (t.field == "metric") {
        av1::ComputedMetric m;
        if (!av1::ComputedMetric_Parse(t.value, &m)) {
          return InvalidField("filter", "unknown metric " + t.value, "指标类型无效", "FILTER_INVALID");
        }
        metric = m;
      } else {
        GT_ASSIGN_OR_RETURN(community, ParseEvalName(t.value, "communities", "filter"));
      }
    }
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 100, req->page_token(),
                                                        {std::to_string(req->school_year()), req->filter(),
                                                         req->order_by(), region}));
    GT_ASSIGN_OR_RETURN(auto rows,
                        eval_store_.ListIndicators(req->school_year(), metric, community, region, call.deadline));
    std::vector<av1::IndicatorValue> values;
    for (const auto& r : rows) {
      values.push_back(IndicatorValueOf(r.key, Decimal::FromInt(r.count), DefaultTarget(r.key.metric), r.count,
                                        r.last_event_unix));
    }
    int32_t total = 0;
    api::FillOffsetPage(page, values, resp->mutable_indicator_values(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
