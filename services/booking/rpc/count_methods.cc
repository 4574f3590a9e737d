// Delivery counts: ListPairingDeliveryCounts (R-SYNC-5), the yearly count of
// sessions per pairing — pairings from the registry (every pairing of the
// caller's scope, those without sessions with zeros), sessions from the
// occupancy rows of their receiving classes, bucketed by
// domain/delivery_counts.h. Paging is by position in the sorted result: a
// page token carries the offset, so a pairing created between pages may
// shift the order by one.
#include <algorithm>
#include <ctime>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "booking/domain/delivery_counts.h"
#include "booking/rpc/booking_service.h"
#include "booking/storage/pairing_sessions.h"
#include "common/api/list_request.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

const std::vector<api::FilterField>& CountFilterFields() {
  static const std::vector<api::FilterField> kFields = {
      {"community", {"="}}, {"pairing", {"="}}, {"school", {"="}}, {"region_code", {":"}}, {"delivered", {"<", ">="}},
  };
  return kFields;
}

std::string Quoted(const std::string& v) { return absl::StrCat("\"", v, "\""); }

std::string SchoolName(const std::string& v) { return absl::StartsWith(v, "schools/") ? v : "schools/" + v; }

}  // namespace

const std::set<std::string>& CountMethodNames() {
  static const std::set<std::string> kNames = {"ListPairingDeliveryCounts"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::ListPairingDeliveryCounts(
    grpc::CallbackServerContext* ctx, const bv1::ListPairingDeliveryCountsRequest* req,
    bv1::ListPairingDeliveryCountsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListPairingDeliveryCounts", [=](const CallContext& call) -> absl::Status {
    if (req->school_year() < 2000 || req->school_year() > 2100) {
      return InvalidField("school_year", "is required (e.g. 2024 for 2024学年)", "请填写学年，例如 2024");
    }
    GT_ASSIGN_OR_RETURN(int limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(auto filter, api::ParseFilter(req->filter(), CountFilterFields()));
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"delivered", "pairing"}, {{"pairing", false}}));
    if (order.size() != 1) return InvalidField("order_by", "sorts by one field", "只能按一个字段排序");

    // Scope: schools their own pairings, counties their region; no teachers.
    const auth::Principal& p = call.principal;
    std::vector<std::string> registry_terms;
    switch (p.role) {
      case auth::Role::kProvinceAdmin:
      case auth::Role::kService:
        break;
      case auth::Role::kCountyBureau:
        registry_terms.push_back("region_code : " + Quoted(p.region_prefix));
        break;
      case auth::Role::kSchoolAdmin:
        registry_terms.push_back("school = " + Quoted(SchoolName(p.school_code)));
        break;
      default:
        return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
            .Message("this role may not read delivery counts")
            .Zh("当前角色无权查看结对送课统计")
            .Meta("role", std::string(auth::RoleName(p.role)));
    }
    std::string community, pairing;
    std::vector<std::pair<std::string, int>> delivered_terms;
    for (const auto& t : filter) {
      if (t.field == "school") {
        registry_terms.push_back("school = " + Quoted(SchoolName(t.value)));
      } else if (t.field == "region_code") {
        if (t.value.empty() || t.value.size() > 6 || !std::all_of(t.value.begin(), t.value.end(), ::isdigit)) {
          return InvalidField("filter", "region_code: a region code prefix is 1-6 digits", "筛选条件 region_code 无效");
        }
        registry_terms.push_back("region_code : " + Quoted(t.value));
      } else if (t.field == "community") {
        community = t.value;
      } else if (t.field == "pairing") {
        pairing = t.value;
      } else if (t.field == "delivered") {
        int n = 0;
        if (!absl::SimpleAtoi(t.value, &n) || n < 0) {
          return InvalidField("filter", "delivered: a non-negative number", "筛选条件 delivered 必须是非负整数");
        }
        delivered_terms.emplace_back(t.op, n);
      }
    }
    const uint64_t fingerprint = api::RequestFingerprint(
        {absl::StrCat(req->school_year()), req->filter(), req->order_by(), absl::StrJoin(registry_terms, "|")});
    const int64_t now_unix = static_cast<int64_t>(std::time(nullptr));
    size_t offset = 0;
    if (!req->page_token().empty()) {
      GT_ASSIGN_OR_RETURN(api::PageCursor cursor, api::DecodePageToken(req->page_token(), fingerprint, now_unix));
      uint64_t at = 0;
      if (cursor.after.size() != 1 || !absl::SimpleAtoi(cursor.after[0], &at)) {
        return InvalidField("page_token", "is malformed", "分页标记无效");
      }
      offset = at;
    }

    // The pairings of the scope and filter, then their sessions.
    GT_ASSIGN_OR_RETURN(auto pairings,
                        deps_.registry->AllPairings(absl::StrJoin(registry_terms, " AND "), call.deadline));
    std::map<std::string, bv1::PairingDeliveryCount> counts;
    for (const auto& rp : pairings) {
      if (!pairing.empty() && rp.name() != pairing) continue;
      if (!community.empty() && !absl::StartsWith(rp.name(), community + "/pairings/")) continue;
      auto& c = counts[rp.name()];
      c.set_pairing(rp.name());
      c.set_core_school(rp.core_school());
      c.set_member_school(rp.member_school());
      c.set_school_year(req->school_year());
    }
    std::vector<std::string> names;
    for (const auto& [name, c] : counts) names.push_back(name);
    GT_ASSIGN_OR_RETURN(auto sessions,
                        SessionsOfPairings(deps_.sessions->pool(), names, req->school_year(), call.deadline));
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    for (const auto& [name, s] : sessions) {
      const CountBucket bucket = BucketOf(s.state(), s.cancellation().reason_code(), s.start_time().seconds() > now);
      Tally(bucket, s.subject(), &counts[name]);
    }

    std::vector<bv1::PairingDeliveryCount> rows;
    for (auto& [name, c] : counts) {
      bool keep = true;
      for (const auto& [op, n] : delivered_terms) keep = keep && (op == "<" ? c.delivered() < n : c.delivered() >= n);
      if (keep) rows.push_back(std::move(c));
    }
    const bool desc = order[0].descending;
    if (order[0].field == "delivered") {
      std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
        return desc ? a.delivered() > b.delivered() : a.delivered() < b.delivered();
      });
    } else if (desc) {
      std::reverse(rows.begin(), rows.end());
    }
    for (size_t i = offset; i < rows.size() && resp->counts_size() < limit; ++i) *resp->add_counts() = rows[i];
    resp->set_total_size(static_cast<int32_t>(rows.size()));
    if (offset + resp->counts_size() < rows.size()) {
      resp->set_next_page_token(
          api::EncodePageToken({{absl::StrCat(offset + resp->counts_size())}, 0, now_unix, fingerprint}));
    }
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
