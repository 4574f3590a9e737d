// AssessmentService: evaluation runs and results (R-EVAL-3 step 3, R-EVAL-4):
// a run computes every community of a region under the scheme in force (or
// the one named), stores results that explain themselves, and exports them as
// CSV (UTF-8 with BOM). Listed in EvaluationMethodNames().
#include "assessment/domain/evaluation_access.h"
#include "assessment/domain/evaluation_csv.h"
#include "assessment/rpc/evaluation_call.h"
#include "assessment/rpc/evaluation_methods.h"
#include <algorithm>
#include <ctime>

#include "assessment/domain/decimal.h"
#include "common/api/list_request.h"
#include "common/api/offset_page.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

// Keeps the results matching the filter terms (community_type, complete, mode).
absl::Status FilterResults(const std::vector<api::FilterTerm>& terms, std::vector<av1::CommunityResult>& results) {
  for (const auto& t : terms) {
    std::function<bool(const av1::CommunityResult&)> keep;
    if (t.field == "complete") {
      if (t.value != "true" && t.value != "false") {
        return InvalidField("filter", "complete must be true or false", "筛选条件 complete 须为 true 或 false",
                            "FILTER_INVALID");
      }
      const bool want = t.value == "true";
      keep = [want](const av1::CommunityResult& r) { return r.complete() == want; };
    } else if (t.field == "community_type") {
      gongtong::registry::v1::CommunityType type;
      if (!gongtong::registry::v1::CommunityType_Parse(t.value, &type)) {
        return InvalidField("filter", "unknown community_type " + t.value, "共同体类型无效", "FILTER_INVALID");
      }
      keep = [type](const av1::CommunityResult& r) { return r.community_type() == type; };
    } else {
      av1::AssessmentMode mode;
      if (!av1::AssessmentMode_Parse(t.value, &mode)) {
        return InvalidField("filter", "unknown mode " + t.value, "考核方式无效", "FILTER_INVALID");
      }
      keep = [mode](const av1::CommunityResult& r) { return r.mode() == mode; };
    }
    results.erase(std::remove_if(results.begin(), results.end(), [&](const auto& r) { return !keep(r); }),
                  results.end());
  }
  return absl::OkStatus();
}

// Sorts by the first order field; ties by community. Totals compare as exact
// decimals (incomplete ones, without a total, last).
void SortResults(const api::OrderField& order, std::vector<av1::CommunityResult>& results) {
  auto total = [](const av1::CommunityResult& r) {
    Decimal d;
    return Decimal::TryParse(r.total().value(), &d) ? d : Decimal::FromInt(-1);
  };
  std::stable_sort(results.begin(), results.end(), [&](const auto& a, const auto& b) {
    int c = 0;
    if (order.field == "rank") {
      const int ra = a.rank() == 0 ? INT32_MAX : a.rank(), rb = b.rank() == 0 ? INT32_MAX : b.rank();
      c = ra < rb ? -1 : (ra > rb ? 1 : 0);
    } else if (order.field == "total") {
      c = Compare(total(a), total(b));
    } else {
      c = a.community().compare(b.community());
    }
    if (order.descending) c = -c;
    return c != 0 ? c < 0 : a.community() < b.community();
  });
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationMethods::CreateEvaluationRun(grpc::CallbackServerContext* ctx,
                                                                 const av1::CreateEvaluationRunRequest* req,
                                                                 av1::EvaluationRun* resp) {
  return deps_.edge->Unary(ctx, "CreateEvaluationRun", [=](const CallContext& call) -> absl::Status {
    const auto& r = req->evaluation_run();
    GT_RETURN_IF_ERROR(MayRunEvaluation(call.principal, r.region_code()));
    bool county = r.region_code().size() == 6;
    for (char c : r.region_code()) county = county && c >= '0' && c <= '9';
    if (!county) {
      return InvalidField("evaluation_run.region_code", "must be a 6-digit county code", "须为6位县级行政区划代码");
    }
    if (r.school_year() < 2000 || r.school_year() > 2100) {
      return InvalidField("evaluation_run.school_year", "required, 2000..2100", "学年必填，须在2000到2100之间");
    }
    if (!r.scheme().empty()) {
      GT_RETURN_IF_ERROR(ParseEvalName(r.scheme(), "evaluationSchemes", "evaluation_run.scheme").status());
    }
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->evaluation_run_id(), "evaluation_run_id", "run"));
    av1::EvaluationRun input;
    input.set_region_code(r.region_code());
    input.set_school_year(r.school_year());
    input.set_scheme(r.scheme());
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.CreateRun(id, input,
                                                     pg::Writing(call, "CreateEvaluationRun", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::FinaliseEvaluationRun(grpc::CallbackServerContext* ctx,
                                                                   const av1::FinaliseEvaluationRunRequest* req,
                                                                   av1::EvaluationRun* resp) {
  return deps_.edge->Unary(ctx, "FinaliseEvaluationRun", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "evaluationRuns", "name"));
    const auto check = [&call](const av1::EvaluationRun& run) {
      return MayRunEvaluation(call.principal, run.region_code());
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.FinaliseRun(
                                   id, req->etag(), check,
                                   pg::Writing(call, "FinaliseEvaluationRun", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::GetEvaluationRun(grpc::CallbackServerContext* ctx,
                                                              const av1::GetEvaluationRunRequest* req,
                                                              av1::EvaluationRun* resp) {
  return deps_.edge->Unary(ctx, "GetEvaluationRun", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "evaluationRuns", "name"));
    GT_ASSIGN_OR_RETURN(av1::EvaluationRun run, eval_store_.GetRun(id, call.deadline));
    GT_RETURN_IF_ERROR(MayReadRun(call.principal, run.region_code()));
    *resp = std::move(run);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::GetCommunityResult(grpc::CallbackServerContext* ctx,
                                                                const av1::GetCommunityResultRequest* req,
                                                                av1::CommunityResult* resp) {
  return deps_.edge->Unary(ctx, "GetCommunityResult", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseResultName(req->name(), "communityResults", "name"));
    GT_ASSIGN_OR_RETURN(av1::EvaluationRun run, eval_store_.GetRun(key.first, call.deadline));
    GT_RETURN_IF_ERROR(MayReadRun(call.principal, run.region_code()));
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.GetCommunityResult(key.first, key.second, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::GetSchoolResult(grpc::CallbackServerContext* ctx,
                                                             const av1::GetSchoolResultRequest* req,
                                                             av1::SchoolResult* resp) {
  return deps_.edge->Unary(ctx, "GetSchoolResult", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto key, ParseResultName(req->name(), "schoolResults", "name"));
    GT_ASSIGN_OR_RETURN(av1::EvaluationRun run, eval_store_.GetRun(key.first, call.deadline));
    GT_RETURN_IF_ERROR(MayReadSchoolResult(call.principal, run.region_code(), key.second,
                                           run.state() == av1::RUN_STATE_FINALISED));
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.GetSchoolResult(key.first, key.second, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ListCommunityResults(grpc::CallbackServerContext* ctx,
                                                                  const av1::ListCommunityResultsRequest* req,
                                                                  av1::ListCommunityResultsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListCommunityResults", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->parent(), "evaluationRuns", "parent"));
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 50, req->page_token(),
                                                        {req->parent(), req->filter(), req->order_by()}));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"community_type", {"="}},
                                                                     {"complete", {"="}},
                                                                     {"mode", {"="}}}));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"rank", "total", "community"},
                                                      {{"rank", false}}));
    GT_ASSIGN_OR_RETURN(EvaluationStore::RunResults results, eval_store_.LoadResults(id, call.deadline));
    GT_RETURN_IF_ERROR(MayReadRun(call.principal, results.run.region_code()));
    GT_RETURN_IF_ERROR(FilterResults(terms, results.communities));
    SortResults(order.front(), results.communities);
    int32_t total = 0;
    api::FillOffsetPage(page, results.communities, resp->mutable_community_results(), resp->mutable_next_page_token(),
                        &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ExportEvaluationResults(grpc::CallbackServerContext* ctx,
                                                                     const av1::ExportEvaluationResultsRequest* req,
                                                                     av1::ExportEvaluationResultsResponse* resp) {
  return deps_.edge->Unary(ctx, "ExportEvaluationResults", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "evaluationRuns", "name"));
    GT_ASSIGN_OR_RETURN(EvaluationStore::RunResults results, eval_store_.LoadResults(id, call.deadline));
    GT_RETURN_IF_ERROR(MayReadRun(call.principal, results.run.region_code()));
    const bool schools = req->level() == av1::EXPORT_LEVEL_SCHOOL;
    const std::string csv =
        ResultsCsv(results.scheme, results.communities,
                   schools ? results.schools : std::map<std::string, av1::SchoolResult>{});
    int rows = -1;  // the header is not a data row
    for (size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2)) ++rows;
    resp->set_content(csv);
    resp->set_content_type("text/csv; charset=utf-8");
    resp->set_filename(std::to_string(results.run.school_year()) + "学年_" + results.run.region_code() +
                       (schools ? "_学校考核结果.csv" : "_共同体考核结果.csv"));
    resp->set_row_count(rows);
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
