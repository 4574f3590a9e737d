#pragma once
// Turns a requested session into a SessionDraft: reads the registry facts
// (through the cache) and checks every booking rule that needs no database —
// R-SYNC-1 (host teacher, recording classroom and class of the host school;
// receivers at member schools paired for the subject in one community),
// the calendar of every school, R-SYNC-3 (bell schedules, unless overridden),
// R-SYNC-4 (lead time → PENDING_CONFIRMATION), the classroom's outgoing
// streams. Busy resources and capacity are left to SessionStore, which
// checks them atomically with the insert.
//
// Errors: INVALID_ARGUMENT (shape), NOT_FOUND (unknown teacher, classroom,
// class: field named), PERMISSION_DENIED (not the host's admin, county or
// province), FAILED_PRECONDITION (teacher not of the host school, class of
// another school, receiver not paired, window in the past…). Calendar, bell
// schedule and stream problems are returned in draft.conflicts so they are
// reported together with the busy resources.

#include <string>

#include "absl/time/time.h"
#include "booking/registry/registry_view.h"
#include "booking/storage/policy_store.h"
#include "booking/storage/session_store.h"
#include "common/server/rpc_edge.h"

namespace gongtong::booking {

struct ResolveOptions {
  bool hold = false;
  std::string override_reason;  // bell-schedule override (R-SYNC-3), may be empty
  absl::Time now = absl::Now();
  std::string prefix = "session";  // request field of the session, for field paths
};

class SessionResolver {
 public:
  SessionResolver(RegistryView* registry, PolicyStore* policies) : registry_(registry), policies_(policies) {}

  absl::StatusOr<SessionDraft> Resolve(const bv1::Session& requested, const ResolveOptions& options,
                                       const CallContext& call);

  // The parties of a stored session, for read access.
  static struct SessionParties Parties(const StoredSession& stored);

 private:
  RegistryView* registry_;
  PolicyStore* policies_;
};

}  // namespace gongtong::booking
