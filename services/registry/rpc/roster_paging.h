#pragma once
// The List half every roster method shares (ListSchoolClasses,
// ListClassrooms, ListTeachers): page size, filter, order_by, the page
// token pinned to the request, the caller's region scope and total_size.

#include <functional>
#include <string>

#include "common/api/list_request.h"
#include "common/status/error.h"
#include "common/server/rpc_edge.h"
#include "registry/domain/roster_access.h"
#include "registry/rpc/call_support.h"
#include "registry/storage/roster_store.h"

namespace gongtong::registry {

// A server wired without a RosterStore answers UNIMPLEMENTED, as before the
// family was built.
inline absl::Status RosterWired(const RosterStore* store) {
  if (store != nullptr) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kUnimplemented, "NOT_WIRED")
      .Message("classes, classrooms and teachers are not served by this instance")
      .Zh("此实例未提供班级、教室和教师服务");
}

// The mutation of a delete (true) or undelete (false).
template <typename M>
RosterMutation<M> SetDeleted(bool value) {
  return [value](M&, bool& deleted) -> absl::Status {
    deleted = value;
    return absl::OkStatus();
  };
}

struct RosterListRequest {
  std::string parent;  // "" for teachers
  int32_t page_size = 0;
  std::string page_token, filter, order_by;
  bool show_deleted = false;
};

struct RosterListShape {
  const std::vector<api::FilterField>* filter_fields;
  const std::vector<std::string>* order_fields;
  std::vector<api::OrderField> default_order;
};

// Fills `q` from the request (q.school_code set by the caller), runs `list`
// and hands back the page with its next token and total.
template <typename M>
absl::StatusOr<RosterPage<M>> ListRoster(
    const CallContext& call, const RosterListRequest& req, const RosterListShape& shape, RosterListQuery q,
    const std::function<absl::StatusOr<RosterPage<M>>(const RosterListQuery&)>& list, std::string* next_page_token,
    int32_t* total_size) {
  q.region_scope = RosterReadScope(call.principal);
  GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req.page_size));
  GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req.filter, *shape.filter_fields));
  GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req.order_by, *shape.order_fields, shape.default_order));
  q.show_deleted = req.show_deleted;
  const uint64_t fingerprint =
      api::RequestFingerprint({req.parent, req.filter, req.order_by, req.show_deleted ? "1" : "0", q.region_scope});
  const int64_t now = NowUnix();
  GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req.page_token, fingerprint, now));
  q.after = std::move(start.after);
  q.count_total = start.count_total;
  int64_t total = start.total;
  GT_ASSIGN_OR_RETURN(RosterPage<M> page, list(q));
  if (page.total >= 0) total = page.total;
  *total_size = static_cast<int32_t>(total);
  *next_page_token = api::NextPageToken(page.more, page.last_key, total, fingerprint, now);
  return page;
}

}  // namespace gongtong::registry
