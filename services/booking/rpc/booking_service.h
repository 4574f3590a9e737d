#pragma once
// The gRPC BookingService, every method built: sessions (Get, List, Create,
// Update), their lifecycle (commit, confirm, decline, cancel, delivered, not
// delivered, delivery records), booking policies and region capacities,
// recurring series (Create, Get, List, Modify, Cancel), free slots, calendar
// feeds, pairing delivery counts.
// Handlers only convert, check access and delegate to the domain rules
// (booking/domain), the resolver (registry facts) and the stores.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "booking/registry/registry_view.h"
#include "booking/rpc/session_resolver.h"
#include "booking/storage/policy_store.h"
#include "booking/storage/series_store.h"
#include "booking/storage/session_store.h"
#include "common/server/rpc_edge.h"
#include "gongtong/booking/v1/booking_service.grpc.pb.h"

namespace gongtong::booking {

struct BookingDeps {
  RpcEdge* edge = nullptr;
  SessionStore* sessions = nullptr;
  PolicyStore* policies = nullptr;
  RegistryView* registry = nullptr;
};

// Methods implemented by each file (rpc/<family>_methods.cc).
const std::set<std::string>& SessionMethodNames();
const std::set<std::string>& LifecycleMethodNames();
const std::set<std::string>& PolicyMethodNames();
const std::set<std::string>& SeriesMethodNames();
const std::set<std::string>& SlotMethodNames();
const std::set<std::string>& FeedMethodNames();
const std::set<std::string>& CountMethodNames();
const std::set<std::string>& UpdateMethodNames();

class BookingServiceImpl final : public bv1::BookingService::CallbackService {
 public:
  explicit BookingServiceImpl(BookingDeps deps);

  // ---- sessions (rpc/session_methods.cc) ----
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* ctx, const bv1::GetSessionRequest* req,
                                       bv1::Session* resp) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* ctx, const bv1::ListSessionsRequest* req,
                                         bv1::ListSessionsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx, const bv1::CreateSessionRequest* req,
                                          bv1::Session* resp) override;

  // ---- lifecycle (rpc/lifecycle_methods.cc) ----
  grpc::ServerUnaryReactor* CommitSession(grpc::CallbackServerContext* ctx, const bv1::CommitSessionRequest* req,
                                          bv1::Session* resp) override;
  grpc::ServerUnaryReactor* ConfirmSession(grpc::CallbackServerContext* ctx, const bv1::ConfirmSessionRequest* req,
                                           bv1::Session* resp) override;
  grpc::ServerUnaryReactor* DeclineSession(grpc::CallbackServerContext* ctx, const bv1::DeclineSessionRequest* req,
                                           bv1::Session* resp) override;
  grpc::ServerUnaryReactor* CancelSession(grpc::CallbackServerContext* ctx, const bv1::CancelSessionRequest* req,
                                          bv1::Session* resp) override;
  grpc::ServerUnaryReactor* MarkSessionDelivered(grpc::CallbackServerContext* ctx,
                                                 const bv1::MarkSessionDeliveredRequest* req,
                                                 bv1::Session* resp) override;
  grpc::ServerUnaryReactor* MarkSessionNotDelivered(grpc::CallbackServerContext* ctx,
                                                    const bv1::MarkSessionNotDeliveredRequest* req,
                                                    bv1::Session* resp) override;
  grpc::ServerUnaryReactor* GetDeliveryRecord(grpc::CallbackServerContext* ctx,
                                              const bv1::GetDeliveryRecordRequest* req,
                                              bv1::DeliveryRecord* resp) override;

  // ---- changes of one session and of a delivery record (rpc/update_methods.cc) ----
  grpc::ServerUnaryReactor* UpdateSession(grpc::CallbackServerContext* ctx, const bv1::UpdateSessionRequest* req,
                                          bv1::Session* resp) override;
  grpc::ServerUnaryReactor* UpdateDeliveryRecord(grpc::CallbackServerContext* ctx,
                                                 const bv1::UpdateDeliveryRecordRequest* req,
                                                 bv1::DeliveryRecord* resp) override;

  // ---- policies and capacities (rpc/policy_methods.cc) ----
  grpc::ServerUnaryReactor* GetBookingPolicy(grpc::CallbackServerContext* ctx, const bv1::GetBookingPolicyRequest* req,
                                             bv1::BookingPolicy* resp) override;
  grpc::ServerUnaryReactor* UpdateBookingPolicy(grpc::CallbackServerContext* ctx,
                                                const bv1::UpdateBookingPolicyRequest* req,
                                                bv1::BookingPolicy* resp) override;
  grpc::ServerUnaryReactor* GetRegionCapacity(grpc::CallbackServerContext* ctx,
                                              const bv1::GetRegionCapacityRequest* req,
                                              bv1::RegionCapacity* resp) override;
  grpc::ServerUnaryReactor* UpdateRegionCapacity(grpc::CallbackServerContext* ctx,
                                                 const bv1::UpdateRegionCapacityRequest* req,
                                                 bv1::RegionCapacity* resp) override;

  // ---- recurring series (rpc/series_methods.cc) ----
  grpc::ServerUnaryReactor* GetSeries(grpc::CallbackServerContext* ctx, const bv1::GetSeriesRequest* req,
                                      bv1::SessionSeries* resp) override;
  grpc::ServerUnaryReactor* ListSeries(grpc::CallbackServerContext* ctx, const bv1::ListSeriesRequest* req,
                                       bv1::ListSeriesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSeries(grpc::CallbackServerContext* ctx, const bv1::CreateSeriesRequest* req,
                                         bv1::SessionSeries* resp) override;
  grpc::ServerUnaryReactor* CancelSeries(grpc::CallbackServerContext* ctx, const bv1::CancelSeriesRequest* req,
                                         bv1::SessionSeries* resp) override;
  grpc::ServerUnaryReactor* ModifySeries(grpc::CallbackServerContext* ctx, const bv1::ModifySeriesRequest* req,
                                         bv1::SessionSeries* resp) override;
  // ---- free slots (rpc/slot_methods.cc) ----
  grpc::ServerUnaryReactor* FindFreeSlots(grpc::CallbackServerContext* ctx, const bv1::FindFreeSlotsRequest* req,
                                          bv1::FindFreeSlotsResponse* resp) override;
  // ---- calendar feeds (rpc/feed_methods.cc) ----
  grpc::ServerUnaryReactor* GetCalendarFeed(grpc::CallbackServerContext* ctx, const bv1::GetCalendarFeedRequest* req,
                                            bv1::CalendarFeed* resp) override;
  // ---- delivery counts (rpc/count_methods.cc) ----
  grpc::ServerUnaryReactor* ListPairingDeliveryCounts(grpc::CallbackServerContext* ctx,
                                                      const bv1::ListPairingDeliveryCountsRequest* req,
                                                      bv1::ListPairingDeliveryCountsResponse* resp) override;

  // One date of a series being planned: its outcome so far, and the session
  // to book when every rule needing no database passed.
  struct PlannedOccurrence {
    bv1::SeriesOccurrence occurrence;
    std::optional<SessionDraft> draft;
  };

 private:
  // ---- series helpers (rpc/series_methods.cc) ----
  // The occurrences of `series` on or after `from`: each candidate date with
  // its outcome, and for every date that passes the rules needing no
  // database, the resolved session (series set) to book. Template errors
  // (NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION) fail the whole plan.
  absl::StatusOr<std::vector<PlannedOccurrence>> PlanSeries(const bv1::SessionSeries& series,
                                                            const std::string& series_name, absl::CivilDay from,
                                                            const CallContext& call);
  // The resolved days of every school in `fields` (school code → the request
  // field naming it) over first..last, one uncached registry call each; a
  // school the registry does not know is NOT_FOUND naming its field.
  absl::StatusOr<std::map<std::string, std::vector<rv1::SchoolDay>>> SchoolDaysOf(
      const std::map<std::string, std::string>& fields, absl::CivilDay first, absl::CivilDay last,
      const CallContext& call);
  // Reads a series the caller may see (as a session of its host school),
  // its BOOKED outcomes refreshed from its sessions' states.
  absl::StatusOr<StoredSeries> ReadableSeries(const CallContext& call, const std::string& name);

 private:
  // Reads a session the caller may see: PERMISSION_DENIED before NOT_FOUND
  // would leak nothing, so access is checked on the stored parties.
  absl::StatusOr<StoredSession> ReadableSession(const CallContext& call, const std::string& name,
                                                const std::string& field = "name");

  BookingDeps deps_;
  SessionResolver resolver_;
};

}  // namespace gongtong::booking
