// SupportMethods: listings of assignments, activity records and term
// summaries (the township head's queue is ListTermSummaries with
// parent "supportAssignments/-" and filter state=SUMMARY_STATE_RECEIVING_CONFIRMED).
#include <ctime>

#include "assessment/rpc/support_call.h"
#include "assessment/rpc/support_methods.h"
#include "common/api/list_request.h"
#include "common/status/error.h"

namespace gongtong::assessment {

namespace {

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

// The parsed request of a listing and the position its token carries.
struct Listing {
  SupportListQuery query;
  uint64_t fingerprint = 0;
  int64_t total = -1;
};

absl::StatusOr<Listing> StartListing(const CallContext& call, const std::string& parent, int32_t page_size,
                                     const std::string& token, const std::string& filter, const std::string& order_by,
                                     bool show_deleted, const std::vector<api::FilterField>& fields,
                                     const std::vector<std::string>& order_fields,
                                     const std::vector<api::OrderField>& default_order) {
  Listing l;
  GT_ASSIGN_OR_RETURN(l.query.limit, api::EffectivePageSize(page_size));
  GT_ASSIGN_OR_RETURN(l.query.filter, api::ParseFilter(filter, fields));
  GT_ASSIGN_OR_RETURN(l.query.order, api::ParseOrderBy(order_by, order_fields, default_order));
  l.query.show_deleted = show_deleted;
  l.fingerprint = api::RequestFingerprint({parent, filter, order_by, show_deleted ? "1" : "0", call.principal.subject,
                                           auth::RoleName(call.principal.role).data()});
  GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(token, l.fingerprint, NowUnix()));
  l.query.count_total = start.count_total;
  l.total = start.total;
  if (!start.count_total) {
    if (start.after.size() != 1) return InvalidField("page_token", "malformed", "分页令牌无效");
    l.query.offset = std::stoll(start.after[0]);
  }
  return l;
}

// "supportAssignments/{id}" → id; "supportAssignments/-" → "" (all in scope).
absl::StatusOr<std::string> ParentId(const std::string& parent) {
  if (parent == "supportAssignments/-") return std::string();
  return ParseAssignmentName(parent, "parent");
}

template <typename M, typename Items>
void Finish(const Listing& l, SupportPage<M>& page, Items* items, std::string* next_token, int32_t* total_size) {
  int64_t total = page.total >= 0 ? page.total : l.total;
  for (auto& m : page.items) *items->Add() = std::move(m);
  *total_size = static_cast<int32_t>(total);
  *next_token =
      api::NextPageToken(page.more, {std::to_string(l.query.offset + l.query.limit)}, total, l.fingerprint, NowUnix());
}

}  // namespace

grpc::ServerUnaryReactor* SupportMethods::ListSupportAssignments(grpc::CallbackServerContext* ctx,
                                                                 const av1::ListSupportAssignmentsRequest* req,
                                                                 av1::ListSupportAssignmentsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSupportAssignments", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(Listing l, StartListing(call, "", req->page_size(), req->page_token(), req->filter(),
                                                req->order_by(), req->show_deleted(), AssignmentFilterFields(),
                                                AssignmentOrderFields(), {{"school_year", false}}));
    GT_ASSIGN_OR_RETURN(auto page, support_.ListAssignments(l.query, call.principal, call.deadline));
    int32_t total = 0;
    Finish(l, page, resp->mutable_support_assignments(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::ListActivityRecords(grpc::CallbackServerContext* ctx,
                                                              const av1::ListActivityRecordsRequest* req,
                                                              av1::ListActivityRecordsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListActivityRecords", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string parent, ParentId(req->parent()));
    if (!parent.empty()) GT_RETURN_IF_ERROR(ReadableAssignment(call, parent).status());
    GT_ASSIGN_OR_RETURN(Listing l, StartListing(call, req->parent(), req->page_size(), req->page_token(), req->filter(),
                                                req->order_by(), req->show_deleted(), RecordFilterFields(),
                                                RecordOrderFields(), {{"teaching_order", false}}));
    l.query.parent_id = parent;
    GT_ASSIGN_OR_RETURN(auto page, support_.ListRecords(l.query, call.principal, call.deadline));
    int32_t total = 0;
    Finish(l, page, resp->mutable_activity_records(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::ListTermSummaries(grpc::CallbackServerContext* ctx,
                                                            const av1::ListTermSummariesRequest* req,
                                                            av1::ListTermSummariesResponse* resp) {
  return deps_.edge->Unary(ctx, "ListTermSummaries", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string parent, ParentId(req->parent()));
    if (!parent.empty()) GT_RETURN_IF_ERROR(ReadableAssignment(call, parent).status());
    GT_ASSIGN_OR_RETURN(Listing l, StartListing(call, req->parent(), req->page_size(), req->page_token(), req->filter(),
                                                req->order_by(), false, SummaryFilterFields(), SummaryOrderFields(),
                                                {{"school_year", false}}));
    l.query.parent_id = parent;
    GT_ASSIGN_OR_RETURN(auto page, support_.ListSummaries(l.query, call.principal, call.deadline));
    int32_t total = 0;
    Finish(l, page, resp->mutable_term_summaries(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::ListSupportQuotas(grpc::CallbackServerContext* ctx,
                                                            const av1::ListSupportQuotasRequest* req,
                                                            av1::ListSupportQuotasResponse* resp) {
  return deps_.edge->Unary(ctx, "ListSupportQuotas", [=](const CallContext& call) -> absl::Status {
    std::string school;
    if (req->parent() != "schools/-") {
      const std::string prefix = "schools/";
      school = req->parent().rfind(prefix, 0) == 0 ? req->parent().substr(prefix.size()) : "";
      if (school.size() != 10 || school.find_first_not_of("0123456789") != std::string::npos) {
        return InvalidField("parent", "must be \"schools/{10-digit code}\" or \"schools/-\"", "上级资源名格式无效");
      }
    }
    GT_ASSIGN_OR_RETURN(
        Listing l, StartListing(call, req->parent(), req->page_size(), req->page_token(), req->filter(),
                                req->order_by(), false, QuotaFilterFields(), QuotaOrderFields(), {{"school", false}}));
    l.query.parent_id = school;
    GT_ASSIGN_OR_RETURN(auto page, support_.ListQuotas(l.query, call.principal, call.deadline));
    int32_t total = 0;
    Finish(l, page, resp->mutable_support_quotas(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SupportMethods::ListCertifications(grpc::CallbackServerContext* ctx,
                                                             const av1::ListCertificationsRequest* req,
                                                             av1::ListCertificationsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListCertifications", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string parent, ParentId(req->parent()));
    if (!parent.empty()) GT_RETURN_IF_ERROR(ReadableAssignment(call, parent).status());
    GT_ASSIGN_OR_RETURN(Listing l, StartListing(call, req->parent(), req->page_size(), req->page_token(), req->filter(),
                                                req->order_by(), false, CertificationFilterFields(),
                                                CertificationOrderFields(), {{"school_year", false}}));
    l.query.parent_id = parent;
    GT_ASSIGN_OR_RETURN(auto page, support_.ListCertifications(l.query, call.principal, call.deadline));
    int32_t total = 0;
    Finish(l, page, resp->mutable_certifications(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
