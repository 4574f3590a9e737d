// AssessmentService: listing, updating and deleting evaluation schemes
// (R-EVAL-1, R-EVAL-2 as data). Every role reads schemes; the county bureau
// of a scheme's region and the province write them; only a DRAFT changes (a
// published scheme is immutable: FAILED_PRECONDITION) and an updated one
// must still pass ValidateScheme (weights summing to 100 %). Listed in
// EvaluationMethodNames().
#include <algorithm>
#include <functional>

#include "absl/strings/numbers.h"
#include "assessment/domain/evaluation_access.h"
#include "assessment/rpc/evaluation_call.h"
#include "assessment/rpc/evaluation_methods.h"
#include "common/api/list_request.h"
#include "common/api/offset_page.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

absl::Status BadValue(const api::FilterTerm& t) {
  return InvalidField("filter", "unknown value \"" + t.value + "\" for " + t.field,
                      "筛选条件 " + t.field + " 的取值无效", "FILTER_INVALID");
}

// Keeps the schemes matching the filter (region_code = or :, school_year,
// state).
absl::Status FilterSchemes(const std::vector<api::FilterTerm>& terms, std::vector<av1::EvaluationScheme>& schemes) {
  for (const auto& t : terms) {
    std::function<bool(const av1::EvaluationScheme&)> keep;
    if (t.field == "region_code") {
      const std::string v = t.value;
      const bool prefix = t.op == ":";
      keep = [v, prefix](const av1::EvaluationScheme& s) {
        return prefix ? s.region_code().rfind(v, 0) == 0 : s.region_code() == v;
      };
    } else if (t.field == "school_year") {
      int year = 0;
      if (!absl::SimpleAtoi(t.value, &year)) return BadValue(t);
      keep = [year](const av1::EvaluationScheme& s) { return s.school_year() == year; };
    } else {
      av1::SchemeState state;
      if (!av1::SchemeState_Parse(t.value, &state) || state == av1::SCHEME_STATE_UNSPECIFIED) return BadValue(t);
      keep = [state](const av1::EvaluationScheme& s) { return s.state() == state; };
    }
    schemes.erase(std::remove_if(schemes.begin(), schemes.end(), [&](const auto& s) { return !keep(s); }),
                  schemes.end());
  }
  return absl::OkStatus();
}

// A role that writes no scheme at all is refused before anything is read
// (a county bureau writes within its own prefix).
absl::Status SchemeWriterRole(const auth::Principal& p) {
  return MayWriteScheme(p, p.role == auth::Role::kCountyBureau ? p.region_prefix : "");
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationMethods::ListEvaluationSchemes(grpc::CallbackServerContext* ctx,
                                                                   const av1::ListEvaluationSchemesRequest* req,
                                                                   av1::ListEvaluationSchemesResponse* resp) {
  return deps_.edge->Unary(ctx, "ListEvaluationSchemes", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 50, req->page_token(),
                                                        {req->filter(), req->order_by(),
                                                         req->show_deleted() ? "1" : "0"}));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"region_code", {"=", ":"}},
                                                                     {"school_year", {"="}},
                                                                     {"state", {"="}}}));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"region_code"}, {{"region_code", false}}));
    GT_ASSIGN_OR_RETURN(auto schemes, eval_store_.ListSchemes(req->show_deleted(), call.deadline));  // all read
    GT_RETURN_IF_ERROR(FilterSchemes(terms, schemes));
    const bool desc = order.front().descending;
    std::sort(schemes.begin(), schemes.end(), [desc](const auto& a, const auto& b) {
      if (a.region_code() != b.region_code()) return desc ? a.region_code() > b.region_code()
                                                          : a.region_code() < b.region_code();
      return std::make_tuple(a.school_year(), a.version(), a.name()) <
             std::make_tuple(b.school_year(), b.version(), b.name());
    });
    int32_t total = 0;
    api::FillOffsetPage(page, schemes, resp->mutable_evaluation_schemes(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::UpdateEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                                    const av1::UpdateEvaluationSchemeRequest* req,
                                                                    av1::EvaluationScheme* resp) {
  return deps_.edge->Unary(ctx, "UpdateEvaluationScheme", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(SchemeWriterRole(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->evaluation_scheme().name(), "evaluationSchemes",
                                                      "evaluation_scheme.name"));
    GT_ASSIGN_OR_RETURN(auto paths,
                        api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                                             {"display_name", "components", "type_rules", "rounding",
                                              "school_assessment_share", "based_on"},
                                             {"region_code", "school_year"}));
    const auto check = [&call](const av1::EvaluationScheme& s) {
      return MayWriteScheme(call.principal, s.region_code());
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.UpdateScheme(
                                   id, req->evaluation_scheme(), paths, check,
                                   pg::Writing(call, "UpdateEvaluationScheme", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::DeleteEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                                    const av1::DeleteEvaluationSchemeRequest* req,
                                                                    av1::EvaluationScheme* resp) {
  return deps_.edge->Unary(ctx, "DeleteEvaluationScheme", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(SchemeWriterRole(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "evaluationSchemes", "name"));
    const auto check = [&call](const av1::EvaluationScheme& s) {
      return MayWriteScheme(call.principal, s.region_code());
    };
    GT_ASSIGN_OR_RETURN(*resp, eval_store_.DeleteScheme(
                                   id, req->etag(), check,
                                   pg::Writing(call, "DeleteEvaluationScheme", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
