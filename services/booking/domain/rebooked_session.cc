#include "booking/domain/rebooked_session.h"

#include <vector>

#include "booking/domain/session_lifecycle.h"

namespace gongtong::booking {

v1::Session RebookedSession(const v1::Session& stored, const v1::Session& resolved) {
  v1::Session next = resolved;
  next.set_name(stored.name());
  next.set_series(stored.series());
  next.set_sequence(stored.sequence());
  *next.mutable_audit() = stored.audit();
  if (stored.state() == v1::SESSION_STATE_HELD) {
    next.set_state(v1::SESSION_STATE_HELD);  // the hold keeps its time
    *next.mutable_hold_expire_time() = stored.hold_expire_time();
  }
  const bool same_time = next.window().SerializeAsString() == stored.window().SerializeAsString();
  for (auto& r : *next.mutable_receivers()) {
    for (const auto& old : stored.receivers()) {
      if (same_time && old.school_class() == r.school_class() && old.state() == v1::RECEIVER_STATE_CONFIRMED) {
        r = old;
      }
    }
  }
  if (next.state() == v1::SESSION_STATE_PENDING_CONFIRMATION) {
    std::vector<v1::ReceiverState> states;
    for (const auto& r : next.receivers()) states.push_back(r.state());
    next.set_state(StateAfterAnswers(next.short_notice(), states));
  }
  return next;
}

}  // namespace gongtong::booking
