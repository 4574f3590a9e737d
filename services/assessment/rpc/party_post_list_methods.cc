// AssessmentService: listing, updating and deleting demonstration posts and
// listing their assignments (党员示范岗, R-PARTY-2). Every role reads a
// school's posts; "schools/-" lists the posts in the caller's scope (county
// bureau: its region; a school: its own; province, service: all). Posts and
// assignments are written and their assignments read by the school's admin,
// the county bureau of its region and the province. Listed in
// PartyMethodNames().
#include <algorithm>
#include <functional>

#include "assessment/domain/evaluation_access.h"
#include "assessment/rpc/evaluation_call.h"
#include "assessment/rpc/party_methods.h"
#include "common/api/list_request.h"
#include "common/api/offset_page.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

absl::Status BadValue(const api::FilterTerm& t) {
  return InvalidField("filter", "unknown value \"" + t.value + "\" for " + t.field,
                      "筛选条件 " + t.field + " 的取值无效", "FILTER_INVALID");
}

// The region prefix ("" = all) or the school whose posts "schools/-" lists.
absl::Status PostScope(const auth::Principal& p, std::string* prefix, std::string* school) {
  switch (p.role) {
    case auth::Role::kProvinceAdmin:
    case auth::Role::kService: return absl::OkStatus();
    case auth::Role::kCountyBureau:
      *prefix = p.region_prefix;
      if (!prefix->empty()) return absl::OkStatus();
      break;
    case auth::Role::kSchoolAdmin:
    case auth::Role::kTeacher:
      *school = p.school_code;
      if (!school->empty()) return absl::OkStatus();
      break;
    default: break;
  }
  return AccessDenied("list demonstration posts across schools", "跨校查看党员示范岗");
}

// Keeps the posts matching the filter (party_organization, vacant,
// region_code prefix).
absl::Status FilterPosts(const std::vector<api::FilterTerm>& terms, std::vector<PartyPostStore::PostRow>& rows) {
  for (const auto& t : terms) {
    std::function<bool(const PartyPostStore::PostRow&)> keep;
    const std::string v = t.value;
    if (t.field == "vacant") {
      if (v != "true" && v != "false") return BadValue(t);
      const bool want = v == "true";
      keep = [want](const PartyPostStore::PostRow& r) {
        const bool vacant = r.post.max_holders() == 0 || r.post.holder_count() < r.post.max_holders();
        return vacant == want;
      };
    } else if (t.field == "region_code") {
      keep = [v](const PartyPostStore::PostRow& r) { return r.region_code.rfind(v, 0) == 0; };
    } else {
      keep = [v](const PartyPostStore::PostRow& r) { return r.post.party_organization() == v; };
    }
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const auto& r) { return !keep(r); }), rows.end());
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* PartyMethods::ListDemonstrationPosts(grpc::CallbackServerContext* ctx,
                                                               const av1::ListDemonstrationPostsRequest* req,
                                                               av1::ListDemonstrationPostsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListDemonstrationPosts", [=](const CallContext& call) -> absl::Status {
    std::string school, prefix;
    if (req->parent() == "schools/-") {
      GT_RETURN_IF_ERROR(PostScope(call.principal, &prefix, &school));
    } else {
      GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->parent(), 1, "parent"));  // every role reads a school's
      school = key.school;
    }
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 50, req->page_token(),
                                                        {req->parent(), req->filter(), req->order_by(),
                                                         req->show_deleted() ? "1" : "0", school, prefix}));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"party_organization", {"="}},
                                                                     {"vacant", {"="}},
                                                                     {"region_code", {":"}}}));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"display_name"}, {{"display_name", false}}));
    GT_ASSIGN_OR_RETURN(auto rows, posts_.ListPosts(school, prefix, req->show_deleted(), call.deadline));
    GT_RETURN_IF_ERROR(FilterPosts(terms, rows));
    const bool desc = order.front().descending;
    std::stable_sort(rows.begin(), rows.end(), [desc](const auto& a, const auto& b) {
      const int c = a.post.display_name().compare(b.post.display_name());
      return c != 0 ? (desc ? c > 0 : c < 0) : a.post.name() < b.post.name();
    });
    std::vector<av1::DemonstrationPost> posts;
    for (auto& r : rows) posts.push_back(std::move(r.post));
    int32_t total = 0;
    api::FillOffsetPage(page, posts, resp->mutable_demonstration_posts(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::UpdateDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                                const av1::UpdateDemonstrationPostRequest* req,
                                                                av1::DemonstrationPost* resp) {
  return deps_.edge->Unary(ctx, "UpdateDemonstrationPost", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->demonstration_post().name(), 2, "demonstration_post.name"));
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    GT_ASSIGN_OR_RETURN(auto paths,
                        api::CheckUpdateMask({req->update_mask().paths().begin(), req->update_mask().paths().end()},
                                             {"display_name", "duties", "party_organization", "max_holders"}, {}));
    GT_ASSIGN_OR_RETURN(*resp,
                        posts_.UpdatePost(key.school, key.post, req->demonstration_post(), paths, CheckPostFields,
                                          pg::Writing(call, "UpdateDemonstrationPost", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::DeleteDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                                const av1::DeleteDemonstrationPostRequest* req,
                                                                av1::DemonstrationPost* resp) {
  return deps_.edge->Unary(ctx, "DeleteDemonstrationPost", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->name(), 2, "name"));
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    GT_ASSIGN_OR_RETURN(*resp,
                        posts_.DeletePost(key.school, key.post, req->etag(),
                                          pg::Writing(call, "DeleteDemonstrationPost", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::ListPostAssignments(grpc::CallbackServerContext* ctx,
                                                            const av1::ListPostAssignmentsRequest* req,
                                                            av1::ListPostAssignmentsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListPostAssignments", [=](const CallContext& call) -> absl::Status {
    const std::string all = "/demonstrationPosts/-";
    const std::string& parent = req->parent();
    PostKey key;
    if (parent.size() > all.size() && parent.compare(parent.size() - all.size(), all.size(), all) == 0) {
      GT_ASSIGN_OR_RETURN(key, ParsePostName(parent.substr(0, parent.size() - all.size()), 1, "parent"));
    } else {
      GT_ASSIGN_OR_RETURN(key, ParsePostName(parent, 2, "parent"));
    }
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 50, req->page_token(),
                                                        {parent, req->filter(), req->order_by()}));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), {{"member", {"="}}, {"active", {"="}}}));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"start_date"}, {{"start_date", false}}));
    GT_ASSIGN_OR_RETURN(auto items, posts_.ListAssignments(key.school, key.post, call.deadline));
    for (const auto& t : terms) {
      if (t.field == "active" && t.value != "true" && t.value != "false") return BadValue(t);
      items.erase(std::remove_if(items.begin(), items.end(),
                                 [&t](const av1::PostAssignment& a) {
                                   return t.field == "member" ? a.member() != t.value
                                                              : a.has_end_date() == (t.value == "true");
                                 }),
                  items.end());
    }
    if (order.front().descending) std::reverse(items.begin(), items.end());
    int32_t total = 0;
    api::FillOffsetPage(page, items, resp->mutable_post_assignments(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
