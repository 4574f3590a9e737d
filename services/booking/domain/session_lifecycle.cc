#include "booking/domain/session_lifecycle.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

using v1::SessionState;

bool AllowedIn(SessionState state, std::initializer_list<SessionState> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

bool Allowed(SessionState state, SessionAction action) {
  switch (action) {
    case SessionAction::kCommit:
    case SessionAction::kExpireHold:
      return state == v1::SESSION_STATE_HELD;
    case SessionAction::kConfirm:
    case SessionAction::kDecline:
      return AllowedIn(state, {v1::SESSION_STATE_PENDING_CONFIRMATION, v1::SESSION_STATE_CONFIRMED});
    case SessionAction::kCancel:
    case SessionAction::kUpdate:
      return IsLive(state);
    case SessionAction::kMarkDelivered:
    case SessionAction::kMarkNotDelivered:
      return state == v1::SESSION_STATE_CONFIRMED;
  }
  return false;
}

// What the action does, in zh-CN, to complete "…的课程不能{verb}".
std::string ActionZh(SessionAction action) {
  switch (action) {
    case SessionAction::kCommit: return "提交";
    case SessionAction::kConfirm: return "确认";
    case SessionAction::kDecline: return "拒绝";
    case SessionAction::kCancel: return "取消";
    case SessionAction::kMarkDelivered: return "标记为已上课";
    case SessionAction::kMarkNotDelivered: return "标记为未上课";
    case SessionAction::kUpdate: return "修改";
    case SessionAction::kExpireHold: return "按预留过期取消";
  }
  return "操作";
}

}  // namespace

std::string StateZh(SessionState state) {
  switch (state) {
    case v1::SESSION_STATE_HELD: return "预留中";
    case v1::SESSION_STATE_PENDING_CONFIRMATION: return "待确认";
    case v1::SESSION_STATE_CONFIRMED: return "已确认";
    case v1::SESSION_STATE_DELIVERED: return "已上课";
    case v1::SESSION_STATE_NOT_DELIVERED: return "未上课";
    case v1::SESSION_STATE_CANCELLED: return "已取消";
    default: return "状态未知";
  }
}

std::string ActionName(SessionAction action) {
  switch (action) {
    case SessionAction::kCommit: return "commit";
    case SessionAction::kConfirm: return "confirm";
    case SessionAction::kDecline: return "decline";
    case SessionAction::kCancel: return "cancel";
    case SessionAction::kMarkDelivered: return "mark delivered";
    case SessionAction::kMarkNotDelivered: return "mark not delivered";
    case SessionAction::kUpdate: return "update";
    case SessionAction::kExpireHold: return "expire the hold of";
  }
  return "act on";
}

absl::Status CheckTransition(SessionState state, SessionAction action) {
  if (Allowed(state, action)) return absl::OkStatus();
  const std::string state_name = v1::SessionState_Name(state);
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SESSION_STATE")
      .Message(absl::StrCat("cannot ", ActionName(action), " a session in state ", state_name))
      .Zh(absl::StrCat(StateZh(state), "的课程不能", ActionZh(action)))
      .Field("name", absl::StrCat("session is ", state_name))
      .Meta("state", state_name);
}

SessionState StateWhenBooked(bool short_notice) {
  return short_notice ? v1::SESSION_STATE_PENDING_CONFIRMATION : v1::SESSION_STATE_CONFIRMED;
}

bool IsLive(SessionState state) {
  return state == v1::SESSION_STATE_HELD || state == v1::SESSION_STATE_PENDING_CONFIRMATION ||
         state == v1::SESSION_STATE_CONFIRMED;
}

SessionState StateAfterAnswers(bool short_notice, const std::vector<v1::ReceiverState>& receivers) {
  bool all_declined = true, all_confirmed = true;
  for (v1::ReceiverState r : receivers) {
    if (r == v1::RECEIVER_STATE_DECLINED) continue;
    all_declined = false;
    if (r != v1::RECEIVER_STATE_CONFIRMED) all_confirmed = false;
  }
  if (all_declined) return v1::SESSION_STATE_CANCELLED;
  if (!short_notice || all_confirmed) return v1::SESSION_STATE_CONFIRMED;
  return v1::SESSION_STATE_PENDING_CONFIRMATION;
}

}  // namespace gongtong::booking
