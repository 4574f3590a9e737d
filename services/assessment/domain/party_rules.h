#pragma once
// Party points (DOMAIN §6, seed 002; assessment/v1/party_points.proto). Pure.
//
// R-PARTY-1 "New Long March" (党员新长征): the route starts at Ruijin (瑞金,
// ordinal 0, no points) and passes 12 checkpoints of 8 points each; the 12th
// is Yan'an (延安): 96 points = arrived. In one campaign year a member
//   - passes ordinals 1..12 only (INVALID_ARGUMENT "CHECKPOINT_ORDINAL_INVALID"
//     naming the field),
//   - never passes the same checkpoint twice (ALREADY_EXISTS
//     "CHECKPOINT_ALREADY_PASSED", "duplicate checkpoint"),
//   - passes them in route order (FAILED_PRECONDITION
//     "CHECKPOINT_OUT_OF_ORDER" naming the next one due).
// Standings per organisation: points desc; equal points share a rank (1, 1,
// 3); within a tie by display name then member, so the order is stable.
//
// R-PARTY-2 demonstration posts (党员示范岗): every serving member holds
// exactly one active post. Assigning a member who already holds an active
// post is FAILED_PRECONDITION "MEMBER_ALREADY_ASSIGNED" naming it (end it
// first); a post at its max_holders (0 = unlimited) is RESOURCE_EXHAUSTED
// "POST_FULL" naming the cap; members without an active post are the gap
// ListUnassignedMembers shows.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gongtong/assessment/v1/party_points.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

inline constexpr int kCheckpointCount = 12;
inline constexpr int kPointsPerCheckpoint = 8;
inline constexpr int kArrivalPoints = kCheckpointCount * kPointsPerCheckpoint;  // 96, Yan'an

// The 12 checkpoints in route order (ordinal 1..12).
const std::vector<av1::LongMarchCheckpoint>& LongMarchRoute();
// The start of the route (not a checkpoint).
inline constexpr char kRouteStart[] = "瑞金";

// The fields of a new checkpoint record (INVALID_ARGUMENT naming each, reason
// "CHECKPOINT_RECORD_INVALID"): member "teachers/{id}" (id
// ^[a-z0-9][a-z0-9-]{0,39}$), campaign_year 2000..2100, achievement 1–500
// characters, award_date a calendar date when set. The ordinal is checked by
// CheckCheckpoint against the member's record.
absl::Status ValidateCheckpointInput(const av1::CheckpointRecord& r, const std::string& prefix);
// "teachers/{id}" → id, or "" when malformed.
std::string TeacherIdOf(std::string_view name);

// May `ordinal` be recorded for a member who passed `passed` this campaign?
// `field` names the ordinal in the request.
absl::Status CheckCheckpoint(const std::set<int>& passed, int ordinal, const std::string& field);
// The next checkpoint due (1..12), or 0 when arrived.
int NextCheckpoint(const std::set<int>& passed);

// One member's progress in a campaign, before ranking.
struct MemberProgress {
  std::string member;        // "teachers/{id}"
  std::string display_name;
  int checkpoints_passed = 0;
};
// Standings with points, arrival and shared ranks, best first.
std::vector<av1::LongMarchStanding> Standings(std::vector<MemberProgress> members);

// R-PARTY-2: may `member` be assigned to a post with `max_holders` and
// `holder_count` active holders? `active_elsewhere` is the name of the
// member's active assignment ("" when none).
absl::Status CheckPostAssignment(std::string_view member, std::string_view active_elsewhere,
                                 int max_holders, int holder_count);

// Serving members (in the given order) without an active post.
std::vector<std::string> UnassignedMembers(const std::vector<std::string>& serving_members,
                                           const std::set<std::string>& with_active_post);

}  // namespace gongtong::assessment
