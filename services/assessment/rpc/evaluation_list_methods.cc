// AssessmentService: listings of evaluation runs, school results and
// submission statuses (R-EVAL-3: late or missing filings visible, never
// silent zeros), and reads and listings of the inputs (declarations,
// self-assessments, review scores). Paging by api::OffsetPage. Listed in
// EvaluationMethodNames().
#include <algorithm>
#include <functional>

#include "assessment/domain/decimal.h"
#include "assessment/domain/evaluation_access.h"
#include "assessment/domain/evaluation_submissions.h"
#include "assessment/rpc/evaluation_call.h"
#include "assessment/rpc/evaluation_methods.h"
#include "common/api/offset_page.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

absl::Status BadFilterValue(const api::FilterTerm& t) {
  return InvalidField("filter", "unknown value \"" + t.value + "\" for " + t.field,
                      "筛选条件 " + t.field + " 的取值无效", "FILTER_INVALID");
}

absl::StatusOr<bool> BoolValue(const api::FilterTerm& t) {
  if (t.value != "true" && t.value != "false") return BadFilterValue(t);
  return t.value == "true";
}

// The pinned fields of a listing: the request's own plus who asks.
std::vector<std::string> Pinned(const CallContext& call, std::vector<std::string> parts) {
  parts.push_back(call.principal.subject);
  parts.push_back(auth::RoleName(call.principal.role).data());
  return parts;
}

// Keeps the school results matching the filter (community, core, complete,
// school).
absl::Status FilterSchoolResults(const std::vector<api::FilterTerm>& terms, std::vector<av1::SchoolResult>& results) {
  for (const auto& t : terms) {
    std::function<bool(const av1::SchoolResult&)> keep;
    if (t.field == "core" || t.field == "complete") {
      GT_ASSIGN_OR_RETURN(bool want, BoolValue(t));
      if (t.field == "core") {
        keep = [want](const av1::SchoolResult& r) { return r.core() == want; };
      } else {
        keep = [want](const av1::SchoolResult& r) { return r.total().value().empty() != want; };
      }
    } else {
      const std::string value = t.value;
      const bool community = t.field == "community";
      keep = [value, community](const av1::SchoolResult& r) {
        return (community ? r.community() : r.school()) == value;
      };
    }
    results.erase(std::remove_if(results.begin(), results.end(), [&](const auto& r) { return !keep(r); }),
                  results.end());
  }
  return absl::OkStatus();
}

// By school (default) or exact total (incomplete ones, without a total,
// last ascending); ties by school, then community.
void SortSchoolResults(const api::OrderField& order, std::vector<av1::SchoolResult>& results) {
  auto total = [](const av1::SchoolResult& r) {
    Decimal d;
    return Decimal::TryParse(r.total().value(), &d) ? d : Decimal::FromInt(-1);
  };
  std::stable_sort(results.begin(), results.end(), [&](const auto& a, const auto& b) {
    int c = order.field == "total" ? Compare(total(a), total(b)) : a.school().compare(b.school());
    if (order.descending) c = -c;
    if (c != 0) return c < 0;
    return a.school() != b.school() ? a.school() < b.school() : a.community() < b.community();
  });
}

// Keeps the submission entries matching the filter (status =/!=, kind,
// component_id, school).
absl::Status FilterEntries(const std::vector<api::FilterTerm>& terms,
                           std::vector<av1::SubmissionStatusEntry>& entries) {
  for (const auto& t : terms) {
    std::function<bool(const av1::SubmissionStatusEntry&)> keep;
    if (t.field == "status") {
      av1::SubmissionStatus s;
      if (!av1::SubmissionStatus_Parse(t.value, &s) || s == av1::SUBMISSION_STATUS_UNSPECIFIED) {
        return BadFilterValue(t);
      }
      const bool equal = t.op == "=";
      keep = [s, equal](const av1::SubmissionStatusEntry& e) { return (e.status() == s) == equal; };
    } else if (t.field == "kind") {
      av1::FilingKind k;
      if (!av1::FilingKind_Parse(t.value, &k) || k == av1::FILING_KIND_UNSPECIFIED) return BadFilterValue(t);
      keep = [k](const av1::SubmissionStatusEntry& e) { return e.kind() == k; };
    } else {
      const std::string value = t.value;
      const bool school = t.field == "school";
      keep = [value, school](const av1::SubmissionStatusEntry& e) {
        return (school ? e.school() : e.component_id()) == value;
      };
    }
    entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const auto& e) { return !keep(e); }),
                  entries.end());
  }
  return absl::OkStatus();
}

// Every required filing of every school in `facts` (only `only_school` when
// set), with its status today.
std::vector<av1::SubmissionStatusEntry> SubmissionEntries(const EvaluationStore::SubmissionFacts& facts,
                                                          const std::string& only_school, int school_year,
                                                          const google::type::Date& today) {
  std::vector<av1::SubmissionStatusEntry> out;
  for (const auto& c : facts.communities) {
    std::vector<std::string> schools{c.core_school_code};
    schools.insert(schools.end(), c.member_school_codes.begin(), c.member_school_codes.end());
    for (const auto& school : schools) {
      if (!only_school.empty() && school != only_school) continue;
      const auto decl = facts.declarations.find(c.community_id + "/" + school);
      const FiledInput* declaration = decl == facts.declarations.end() ? nullptr : &decl->second;
      for (const auto& required :
           RequiredFilings(facts.scheme, c.type, c.IsCore(school),
                           declaration ? declaration->declared : av1::DECLARATION_KIND_UNSPECIFIED, school_year)) {
        const FiledInput* input = declaration;
        if (required.kind == av1::FILING_KIND_SELF_ASSESSMENT) {
          const auto sa = facts.self_assessments.find(c.community_id + "/" + school + "/" + required.component_id);
          input = sa == facts.self_assessments.end() ? nullptr : &sa->second;
        }
        av1::SubmissionStatusEntry e;
        e.set_school("schools/" + school);
        e.set_community("communities/" + c.community_id);
        e.set_kind(required.kind);
        e.set_component_id(required.component_id);
        e.set_status(StatusOf(required, input, today));
        if (input != nullptr) {
          e.set_filed_resource(input->name);
          if (input->filed) *e.mutable_filing() = input->filing;
        }
        out.push_back(std::move(e));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.school(), a.community()) < std::tie(b.school(), b.community());
  });
  return out;
}

// One page of an input listing: the caller's wall, the request parsed into
// a store query, the items `load` returns for it, paged.
template <typename M, typename Req, typename Repeated, typename Resp>
absl::Status InputPage(
    const CallContext& call, const Req& req, const std::vector<api::FilterField>& fields,
    const std::vector<std::string>& order_fields, const std::string& default_order,
    const std::function<absl::StatusOr<std::vector<M>>(const EvaluationStore::InputQuery&)>& load, Repeated* out,
    Resp* resp) {
  GT_RETURN_IF_ERROR(MayListInputs(call.principal));
  GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req.page_size(), 50, req.page_token(),
                                                      Pinned(call, {req.filter(), req.order_by(),
                                                                    req.show_deleted() ? "1" : "0"})));
  EvaluationStore::InputQuery q;
  GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req.filter(), fields));
  GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req.order_by(), order_fields, {{default_order, false}}));
  q.show_deleted = req.show_deleted();
  GT_ASSIGN_OR_RETURN(std::vector<M> items, load(q));
  int32_t total = 0;
  api::FillOffsetPage(page, items, out, resp->mutable_next_page_token(), &total);
  resp->set_total_size(total);
  return absl::OkStatus();
}

const std::vector<api::FilterField>& FilingFilterFields(bool declarations) {
  static const auto* kDeclarations = new std::vector<api::FilterField>{
      {"kind", {"="}},  {"community", {"="}}, {"school", {"="}},       {"school_year", {"="}},
      {"state", {"="}}, {"late", {"="}},      {"region_code", {":"}}};
  static const auto* kSelfAssessments = new std::vector<api::FilterField>{
      {"scheme", {"="}},      {"component_id", {"="}}, {"school", {"="}},      {"community", {"="}},
      {"school_year", {"="}}, {"state", {"="}},        {"late", {"="}},        {"region_code", {":"}}};
  return declarations ? *kDeclarations : *kSelfAssessments;
}

const std::vector<api::FilterField>& ReviewFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"scheme", {"="}},      {"component_id", {"="}}, {"school", {"="}},
      {"community", {"="}},   {"school_year", {"="}},  {"region_code", {":"}},
      {"method", {"="}}};
  return *kFields;
}

}  // namespace

// ---- runs and results -----------------------------------------------------------

grpc::ServerUnaryReactor* EvaluationMethods::ListEvaluationRuns(grpc::CallbackServerContext* ctx,
                                                                const av1::ListEvaluationRunsRequest* req,
                                                                av1::ListEvaluationRunsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListEvaluationRuns", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string prefix, RunListPrefix(call.principal));
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 50, req->page_token(),
                                                        Pinned(call, {req->filter(), req->order_by()})));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"region_code", {"=", ":"}},
                                                                     {"school_year", {"="}},
                                                                     {"state", {"="}}}));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"create_time"}, {{"create_time", false}}));
    GT_ASSIGN_OR_RETURN(auto runs, eval_store_.ListRuns(terms, order.front().descending, prefix, call.deadline));
    int32_t total = 0;
    api::FillOffsetPage(page, runs, resp->mutable_evaluation_runs(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ListSchoolResults(grpc::CallbackServerContext* ctx,
                                                               const av1::ListSchoolResultsRequest* req,
                                                               av1::ListSchoolResultsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSchoolResults", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->parent(), "evaluationRuns", "parent"));
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 50, req->page_token(),
                                                        Pinned(call, {req->parent(), req->filter(), req->order_by()})));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"community", {"="}},
                                                                     {"core", {"="}},
                                                                     {"complete", {"="}},
                                                                     {"school", {"="}}}));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"school", "total"}, {{"school", false}}));
    GT_ASSIGN_OR_RETURN(av1::EvaluationRun run, eval_store_.GetRun(id, call.deadline));
    // The whole run for those who read it; a school its own results of a
    // finalised run.
    std::string only_school;
    if (!MayReadRun(call.principal, run.region_code()).ok()) {
      GT_RETURN_IF_ERROR(MayReadSchoolResult(call.principal, run.region_code(), call.principal.school_code,
                                             run.state() == av1::RUN_STATE_FINALISED));
      only_school = "schools/" + call.principal.school_code;
    }
    GT_ASSIGN_OR_RETURN(EvaluationStore::RunResults results, eval_store_.LoadResults(id, call.deadline));
    std::vector<av1::SchoolResult> schools;
    for (auto& [name, s] : results.schools) {
      if (only_school.empty() || s.school() == only_school) schools.push_back(std::move(s));
    }
    GT_RETURN_IF_ERROR(FilterSchoolResults(terms, schools));
    SortSchoolResults(order.front(), schools);
    int32_t total = 0;
    api::FillOffsetPage(page, schools, resp->mutable_school_results(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ListSubmissionStatuses(grpc::CallbackServerContext* ctx,
                                                                    const av1::ListSubmissionStatusesRequest* req,
                                                                    av1::ListSubmissionStatusesResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSubmissionStatuses", [=](const CallContext& call) -> absl::Status {
    const auth::Principal& p = call.principal;
    const std::string& scope = req->scope();
    EvaluationStore::Scope kind;
    std::string key;
    if (scope.rfind("regions/", 0) == 0) {
      kind = EvaluationStore::Scope::kRegion;
      key = scope.substr(8);
      if (key.size() < 2 || key.size() > 6 || key.find_first_not_of("0123456789") != std::string::npos) {
        return InvalidField("scope", "must be \"regions/{2-6 digits}\"", "范围须写作“regions/{行政区划代码}”");
      }
      GT_RETURN_IF_ERROR(MayReadRun(p, key));
    } else if (scope.rfind("communities/", 0) == 0) {
      kind = EvaluationStore::Scope::kCommunity;
      GT_ASSIGN_OR_RETURN(key, ParseEvalName(scope, "communities", "scope"));
      if (p.role != auth::Role::kProvinceAdmin && p.role != auth::Role::kService &&
          p.role != auth::Role::kCountyBureau) {
        return AccessDenied("read the filings of a community", "查看共同体的填报情况");
      }
    } else {
      kind = EvaluationStore::Scope::kSchool;
      GT_ASSIGN_OR_RETURN(key, ParseSchoolRef(scope, "scope"));
      GT_RETURN_IF_ERROR(MayListInputs(p));
    }
    GT_RETURN_IF_ERROR(CheckSchoolYear(req->school_year(), "school_year"));
    if (!req->scheme().empty()) {
      GT_RETURN_IF_ERROR(ParseEvalName(req->scheme(), "evaluationSchemes", "scheme").status());
    }
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"status", {"=", "!="}},
                                                                     {"kind", {"="}},
                                                                     {"component_id", {"="}},
                                                                     {"school", {"="}}}));
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 100, req->page_token(),
                                                        Pinned(call, {scope, std::to_string(req->school_year()),
                                                                      req->scheme(), req->filter()})));
    GT_ASSIGN_OR_RETURN(auto facts,
                        eval_store_.LoadSubmissionFacts(kind, key, req->school_year(), req->scheme(), call.deadline));
    if (kind == EvaluationStore::Scope::kCommunity) {
      GT_RETURN_IF_ERROR(MayReadRun(p, facts.communities.front().region_code));
    } else if (kind == EvaluationStore::Scope::kSchool) {
      GT_RETURN_IF_ERROR(
          MayReadSchoolInputs(p, key, facts.communities.empty() ? "" : facts.communities.front().region_code));
    }
    auto entries = SubmissionEntries(facts, kind == EvaluationStore::Scope::kSchool ? key : "", req->school_year(),
                                     TodayInChina());
    GT_RETURN_IF_ERROR(FilterEntries(terms, entries));
    int32_t total = 0;
    api::FillOffsetPage(page, entries, resp->mutable_entries(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

// ---- inputs -----------------------------------------------------------------------

grpc::ServerUnaryReactor* EvaluationMethods::GetDeclaration(grpc::CallbackServerContext* ctx,
                                                            const av1::GetDeclarationRequest* req,
                                                            av1::Declaration* resp) {
  return deps_.edge->Unary(ctx, "GetDeclaration", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(MayListInputs(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "declarations", "name"));
    GT_ASSIGN_OR_RETURN(auto d, eval_store_.GetDeclaration(id, call.deadline));
    GT_RETURN_IF_ERROR(MayReadSchoolInputs(call.principal, d.school_code, d.region_code));
    *resp = std::move(d.item);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::GetSelfAssessment(grpc::CallbackServerContext* ctx,
                                                               const av1::GetSelfAssessmentRequest* req,
                                                               av1::SelfAssessment* resp) {
  return deps_.edge->Unary(ctx, "GetSelfAssessment", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(MayListInputs(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "selfAssessments", "name"));
    GT_ASSIGN_OR_RETURN(auto sa, eval_store_.GetSelfAssessment(id, call.deadline));
    GT_RETURN_IF_ERROR(MayReadSchoolInputs(call.principal, sa.school_code, sa.region_code));
    *resp = std::move(sa.item);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::GetReviewScore(grpc::CallbackServerContext* ctx,
                                                            const av1::GetReviewScoreRequest* req,
                                                            av1::ReviewScore* resp) {
  return deps_.edge->Unary(ctx, "GetReviewScore", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(MayListInputs(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "reviewScores", "name"));
    GT_ASSIGN_OR_RETURN(auto rs, eval_store_.GetReviewScore(id, call.deadline));
    GT_RETURN_IF_ERROR(MayReadReviewScore(call.principal, rs.school_code, rs.region_code, rs.used_by_finalised_run));
    *resp = std::move(rs.item);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ListDeclarations(grpc::CallbackServerContext* ctx,
                                                              const av1::ListDeclarationsRequest* req,
                                                              av1::ListDeclarationsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListDeclarations", [=](const CallContext& call) -> absl::Status {
    return InputPage<av1::Declaration>(
        call, *req, FilingFilterFields(true), {"school_year", "school"}, "school_year",
        [&](const auto& q) { return eval_store_.ListDeclarations(q, call.principal, call.deadline); },
        resp->mutable_declarations(), resp);
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ListSelfAssessments(grpc::CallbackServerContext* ctx,
                                                                 const av1::ListSelfAssessmentsRequest* req,
                                                                 av1::ListSelfAssessmentsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSelfAssessments", [=](const CallContext& call) -> absl::Status {
    return InputPage<av1::SelfAssessment>(
        call, *req, FilingFilterFields(false), {"school", "component_id"}, "school",
        [&](const auto& q) { return eval_store_.ListSelfAssessments(q, call.principal, call.deadline); },
        resp->mutable_self_assessments(), resp);
  });
}

grpc::ServerUnaryReactor* EvaluationMethods::ListReviewScores(grpc::CallbackServerContext* ctx,
                                                              const av1::ListReviewScoresRequest* req,
                                                              av1::ListReviewScoresResponse* resp) {
  return deps_.edge->Unary(ctx, "ListReviewScores", [=](const CallContext& call) -> absl::Status {
    return InputPage<av1::ReviewScore>(
        call, *req, ReviewFilterFields(), {"school", "component_id"}, "school",
        [&](const auto& q) -> absl::StatusOr<std::vector<av1::ReviewScore>> {
          // `method` lives in the stored message, not a column: kept here.
          EvaluationStore::InputQuery sql = q;
          sql.filter.clear();
          std::vector<av1::ReviewMethod> methods;
          for (const auto& t : q.filter) {
            av1::ReviewMethod m;
            if (t.field != "method") {
              sql.filter.push_back(t);
            } else if (!av1::ReviewMethod_Parse(t.value, &m) || m == av1::REVIEW_METHOD_UNSPECIFIED) {
              return BadFilterValue(t);
            } else {
              methods.push_back(m);
            }
          }
          GT_ASSIGN_OR_RETURN(auto items, eval_store_.ListReviewScores(sql, call.principal, call.deadline));
          for (const auto m : methods) {
            items.erase(std::remove_if(items.begin(), items.end(), [m](const auto& r) { return r.method() != m; }),
                        items.end());
          }
          return items;
        },
        resp->mutable_review_scores(), resp);
  });
}

}  // namespace gongtong::assessment
