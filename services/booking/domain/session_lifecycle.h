#pragma once
// The state machine of a session (session.proto, SessionState). Pure.
//
//   action            allowed in
//   kCommit           HELD
//   kExpireHold       HELD
//   kConfirm          PENDING_CONFIRMATION, CONFIRMED (confirming again is a
//                     no-op returning the session: ConfirmSessionRequest)
//   kDecline          PENDING_CONFIRMATION, CONFIRMED
//   kCancel           HELD, PENDING_CONFIRMATION, CONFIRMED
//   kUpdate           HELD, PENDING_CONFIRMATION, CONFIRMED
//   kMarkDelivered    CONFIRMED
//   kMarkNotDelivered CONFIRMED
//
// DELIVERED, NOT_DELIVERED and CANCELLED are final: nothing is allowed.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

enum class SessionAction {
  kCommit,
  kConfirm,
  kDecline,
  kCancel,
  kMarkDelivered,
  kMarkNotDelivered,
  kUpdate,
  kExpireHold
};

// OK when `action` is allowed in `state`; otherwise FAILED_PRECONDITION with
// ErrorInfo reason "SESSION_STATE", field "name", metadata "state", and a
// zh-CN message naming the state, e.g. "已取消的课程不能标记为已上课".
absl::Status CheckTransition(v1::SessionState state, SessionAction action);

// State after commit or after a direct (non-hold) create: PENDING_CONFIRMATION
// when short notice (R-SYNC-4), else CONFIRMED.
v1::SessionState StateWhenBooked(bool short_notice);

// Live states occupy resources (R-SYNC-2) and capacity (R-SYNC-7): HELD,
// PENDING_CONFIRMATION, CONFIRMED.
bool IsLive(v1::SessionState state);

// The state of a booked (non-HELD) session after receivers' answers:
// CANCELLED when every receiver DECLINED (also when none is left); else
// CONFIRMED when !short_notice or every non-declined receiver CONFIRMED; else
// PENDING_CONFIRMATION.
v1::SessionState StateAfterAnswers(bool short_notice, const std::vector<v1::ReceiverState>& receivers);

// zh-CN label of a state ("已取消") and English name ("CANCELLED").
std::string StateZh(v1::SessionState state);
std::string ActionName(SessionAction action);

}  // namespace gongtong::booking
