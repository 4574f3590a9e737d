// Booking policies (R-SYNC-4) and region capacities (R-SYNC-7).
#include "absl/strings/match.h"
#include "booking/domain/booking_access.h"
#include "booking/rpc/booking_service.h"
#include "common/api/list_request.h"
#include "common/pg/write_context.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

constexpr char kPolicySuffix[] = "/bookingPolicy";

// "communities/{id}/bookingPolicy" → "communities/{id}".
absl::StatusOr<std::string> PolicyCommunity(const std::string& name, const std::string& field) {
  const std::string suffix = kPolicySuffix;
  if (!absl::StartsWith(name, "communities/") || !absl::EndsWith(name, suffix) ||
      name.size() <= suffix.size() + 12 || name.find('/', 12) != name.size() - suffix.size()) {
    return InvalidField(field, "must be communities/{id}/bookingPolicy", "预约规则名称格式不正确");
  }
  return name.substr(0, name.size() - suffix.size());
}

// "regions/{6 digits}/liveCapacity" → the code.
absl::StatusOr<std::string> CapacityRegion(const std::string& name, const std::string& field) {
  const std::string prefix = "regions/", suffix = "/liveCapacity";
  if (name.size() != prefix.size() + 6 + suffix.size() || !absl::StartsWith(name, prefix) ||
      !absl::EndsWith(name, suffix)) {
    return InvalidField(field, "must be regions/{6-digit region code}/liveCapacity", "直播容量名称格式不正确");
  }
  const std::string code = name.substr(prefix.size(), 6);
  for (char c : code) {
    if (c < '0' || c > '9') {
      return InvalidField(field, "must be regions/{6-digit region code}/liveCapacity", "直播容量名称格式不正确");
    }
  }
  return code;
}

std::vector<std::string> Paths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

}  // namespace

const std::set<std::string>& PolicyMethodNames() {
  static const std::set<std::string> kNames = {"GetBookingPolicy", "UpdateBookingPolicy", "GetRegionCapacity",
                                               "UpdateRegionCapacity"};
  return kNames;
}

grpc::ServerUnaryReactor* BookingServiceImpl::GetBookingPolicy(grpc::CallbackServerContext* ctx,
                                                               const bv1::GetBookingPolicyRequest* req,
                                                               bv1::BookingPolicy* resp) {
  return deps_.edge->Unary(ctx, "GetBookingPolicy", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string community, PolicyCommunity(req->name(), "name"));
    auto known = deps_.registry->Community(community, call.deadline);
    if (!known.ok()) return known.status();
    GT_ASSIGN_OR_RETURN(*resp, deps_.policies->GetPolicy(community, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::UpdateBookingPolicy(grpc::CallbackServerContext* ctx,
                                                                  const bv1::UpdateBookingPolicyRequest* req,
                                                                  bv1::BookingPolicy* resp) {
  return deps_.edge->Unary(ctx, "UpdateBookingPolicy", [=](const CallContext& call) -> absl::Status {
    const auto& p = req->booking_policy();
    GT_ASSIGN_OR_RETURN(std::string community, PolicyCommunity(p.name(), "booking_policy.name"));
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask(Paths(req->update_mask()),
                                                         {"min_lead_days", "hold_duration", "allow_short_notice"}, {}));
    for (const auto& path : paths) {
      if (path == "min_lead_days" && (p.min_lead_days() < 0 || p.min_lead_days() > 60)) {
        return InvalidField("booking_policy.min_lead_days", "must be 0..60", "提前天数必须在 0 到 60 之间");
      }
      if (path == "hold_duration" &&
          (p.hold_duration().seconds() < 60 || p.hold_duration().seconds() > 7200 || p.hold_duration().nanos() != 0)) {
        return InvalidField("booking_policy.hold_duration", "must be 1 minute to 2 hours, whole seconds",
                            "预留时长必须在 1 分钟到 2 小时之间");
      }
    }
    GT_ASSIGN_OR_RETURN(rv1::Community c, deps_.registry->Community(community, call.deadline));
    GT_RETURN_IF_ERROR(CanUpdatePolicy(call.principal, c.region_code()));
    GT_ASSIGN_OR_RETURN(*resp, deps_.policies->UpdatePolicy(
                                   community, p, paths, p.etag(),
                                   pg::Writing(call, "UpdateBookingPolicy", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::GetRegionCapacity(grpc::CallbackServerContext* ctx,
                                                                const bv1::GetRegionCapacityRequest* req,
                                                                bv1::RegionCapacity* resp) {
  return deps_.edge->Unary(ctx, "GetRegionCapacity", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string region, CapacityRegion(req->name(), "name"));
    GT_ASSIGN_OR_RETURN(*resp, deps_.policies->GetCapacity(region, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BookingServiceImpl::UpdateRegionCapacity(grpc::CallbackServerContext* ctx,
                                                                   const bv1::UpdateRegionCapacityRequest* req,
                                                                   bv1::RegionCapacity* resp) {
  return deps_.edge->Unary(ctx, "UpdateRegionCapacity", [=](const CallContext& call) -> absl::Status {
    const auto& c = req->region_capacity();
    GT_ASSIGN_OR_RETURN(std::string region, CapacityRegion(c.name(), "region_capacity.name"));
    GT_ASSIGN_OR_RETURN(auto paths, api::CheckUpdateMask(Paths(req->update_mask()), {"max_concurrent_sessions"}, {}));
    (void)paths;
    if (c.max_concurrent_sessions() < 1 || c.max_concurrent_sessions() > 100000) {
      return InvalidField("region_capacity.max_concurrent_sessions", "must be 1..100000",
                          "同时直播上限必须在 1 到 100000 之间");
    }
    GT_RETURN_IF_ERROR(CanUpdateCapacity(call.principal, region));
    GT_ASSIGN_OR_RETURN(*resp, deps_.policies->UpdateCapacity(
                                   region, c.max_concurrent_sessions(), c.etag(),
                                   pg::Writing(call, "UpdateRegionCapacity", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::booking
