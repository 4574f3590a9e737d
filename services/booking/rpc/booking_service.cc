#include "booking/rpc/booking_service.h"

#include "booking/domain/booking_access.h"
#include "booking/domain/session_rules.h"
#include "common/server/skeleton_service.h"
#include "common/status/error.h"

namespace gongtong::booking {

BookingServiceImpl::BookingServiceImpl(BookingDeps deps)
    : deps_(deps), resolver_(deps.registry, deps.policies) {
  std::set<std::string> implemented;
  for (const auto* family : {&SessionMethodNames(), &LifecycleMethodNames(), &PolicyMethodNames(), &SeriesMethodNames(),
                             &SlotMethodNames(), &FeedMethodNames(), &CountMethodNames(), &UpdateMethodNames()}) {
    implemented.insert(family->begin(), family->end());
  }
  RouteAllMethodsToEdge(
      bv1::BookingService::service_full_name(), deps.edge,
      [this](int i, grpc::internal::MethodHandler* h) { MarkMethodRawCallback(i, h); }, implemented);
}

absl::StatusOr<StoredSession> BookingServiceImpl::ReadableSession(const CallContext& call, const std::string& name,
                                                                  const std::string& field) {
  GT_ASSIGN_OR_RETURN(std::string id, ParseSessionName(name, field));
  GT_ASSIGN_OR_RETURN(StoredSession stored, deps_.sessions->Get(id, call.deadline));
  SessionParties parties = SessionResolver::Parties(stored);
  // Receiving schools' regions are not stored on the session: a county
  // reading a session it only receives is checked through the registry.
  if (call.principal.role == auth::Role::kCountyBureau && !parties.receiver_schools.empty()) {
    for (const auto& code : parties.receiver_schools) {
      auto school = deps_.registry->School(code, call.deadline);
      parties.receiver_regions.push_back(school.ok() ? school->region_code() : "");
    }
  }
  GT_RETURN_IF_ERROR(CanReadSession(call.principal, parties));
  return stored;
}

}  // namespace gongtong::booking
