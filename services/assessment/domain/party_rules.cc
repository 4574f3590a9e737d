#include "assessment/domain/party_rules.h"

#include <algorithm>

#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

std::vector<av1::LongMarchCheckpoint> BuildRoute() {
  // Stations of the Long March from Ruijin to Yan'an (seed 002's route).
  static const char* const kNames[kCheckpointCount] = {
      "突破湘江", "通道转兵", "遵义会议", "四渡赤水", "巧渡金沙江", "强渡大渡河",
      "飞夺泸定桥", "翻越夹金山", "走过草地", "激战腊子口", "会师吴起镇", "延安"};
  std::vector<av1::LongMarchCheckpoint> route;
  for (int i = 0; i < kCheckpointCount; ++i) {
    av1::LongMarchCheckpoint c;
    c.set_ordinal(i + 1);
    c.set_display_name(kNames[i]);
    c.set_points(kPointsPerCheckpoint);
    c.set_cumulative_points(kPointsPerCheckpoint * (i + 1));
    route.push_back(std::move(c));
  }
  return route;
}

bool IsId(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
    if (!ok) return false;
  }
  return true;
}

// Characters of UTF-8 text (code points).
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsCalendarDate(const google::type::Date& d) {
  if (d.year() < 1 || d.month() < 1 || d.month() > 12 || d.day() < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year() % 4 == 0 && d.year() % 100 != 0) || d.year() % 400 == 0;
  return d.day() <= kDays[d.month() - 1] + ((d.month() == 2 && leap) ? 1 : 0);
}

}  // namespace

std::string TeacherIdOf(std::string_view name) {
  constexpr std::string_view kPrefix = "teachers/";
  if (name.substr(0, kPrefix.size()) != kPrefix) return "";
  const std::string_view id = name.substr(kPrefix.size());
  return IsId(id) ? std::string(id) : "";
}

absl::Status ValidateCheckpointInput(const av1::CheckpointRecord& r, const std::string& prefix) {
  ErrorBuilder b(absl::StatusCode::kInvalidArgument, "CHECKPOINT_RECORD_INVALID");
  std::string first_en, first_zh;
  int problems = 0;
  auto add = [&](const std::string& field, const std::string& en, const std::string& zh) {
    if (problems++ == 0) {
      first_en = field + ": " + en;
      first_zh = zh;
    }
    b.Field(field, en);
  };
  if (TeacherIdOf(r.member()).empty()) {
    add(prefix + ".member", "must be \"teachers/{id}\"", "党员须写作“teachers/{编号}”");
  }
  if (r.campaign_year() < 2000 || r.campaign_year() > 2100) {
    add(prefix + ".campaign_year", "must be 2000..2100", "活动年度须在2000到2100之间");
  }
  const size_t len = Utf8Length(r.achievement());
  if (len < 1 || len > 500) {
    add(prefix + ".achievement", "1-500 characters required", "事迹须为1到500个字符");
  }
  if (r.has_award_date() && !IsCalendarDate(r.award_date())) {
    add(prefix + ".award_date", "not a calendar date", "授予日期无效");
  }
  if (problems == 0) return absl::OkStatus();
  return b.Message(first_en).Zh(first_zh).Build();
}

const std::vector<av1::LongMarchCheckpoint>& LongMarchRoute() {
  static const auto* kRoute = new std::vector<av1::LongMarchCheckpoint>(BuildRoute());
  return *kRoute;
}

int NextCheckpoint(const std::set<int>& passed) {
  for (int i = 1; i <= kCheckpointCount; ++i) {
    if (passed.count(i) == 0) return i;
  }
  return 0;
}

absl::Status CheckCheckpoint(const std::set<int>& passed, int ordinal, const std::string& field) {
  if (ordinal < 1 || ordinal > kCheckpointCount) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument, "CHECKPOINT_ORDINAL_INVALID")
        .Message("checkpoint ordinal must be 1..12, got " + std::to_string(ordinal))
        .Zh("关卡序号必须在1到12之间")
        .Field(field, "must be 1..12");
  }
  const std::string name = LongMarchRoute()[ordinal - 1].display_name();
  if (passed.count(ordinal) > 0) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists, "CHECKPOINT_ALREADY_PASSED")
        .Message("duplicate checkpoint: checkpoint " + std::to_string(ordinal) +
                 " was already passed this campaign")
        .Zh("重复关卡：本年度已通过第" + std::to_string(ordinal) + "关（" + name + "）")
        .Field(field, "checkpoint already passed");
  }
  const int next = NextCheckpoint(passed);
  if (ordinal != next) {
    const std::string next_name = LongMarchRoute()[next - 1].display_name();
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "CHECKPOINT_OUT_OF_ORDER")
        .Message("checkpoints are passed in route order: next due is " + std::to_string(next))
        .Zh("须按路线顺序闯关：下一关应为第" + std::to_string(next) + "关（" + next_name + "）")
        .Field(field, "next checkpoint due is " + std::to_string(next))
        .Meta("next_ordinal", std::to_string(next));
  }
  return absl::OkStatus();
}

std::vector<av1::LongMarchStanding> Standings(std::vector<MemberProgress> members) {
  std::sort(members.begin(), members.end(), [](const MemberProgress& a, const MemberProgress& b) {
    if (a.checkpoints_passed != b.checkpoints_passed) return a.checkpoints_passed > b.checkpoints_passed;
    if (a.display_name != b.display_name) return a.display_name < b.display_name;
    return a.member < b.member;
  });
  std::vector<av1::LongMarchStanding> out;
  for (size_t i = 0; i < members.size(); ++i) {
    const auto& m = members[i];
    av1::LongMarchStanding s;
    s.set_member(m.member);
    s.set_display_name(m.display_name);
    s.set_checkpoints_passed(m.checkpoints_passed);
    s.set_points(m.checkpoints_passed * kPointsPerCheckpoint);
    s.set_arrived_yanan(s.points() >= kArrivalPoints);
    const bool tie = i > 0 && members[i - 1].checkpoints_passed == m.checkpoints_passed;
    s.set_rank(tie ? out.back().rank() : static_cast<int>(i) + 1);
    out.push_back(std::move(s));
  }
  return out;
}

absl::Status CheckPostAssignment(std::string_view member, std::string_view active_elsewhere,
                                 int max_holders, int holder_count) {
  if (!active_elsewhere.empty()) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "MEMBER_ALREADY_ASSIGNED")
        .Message(std::string(member) + " already holds " + std::string(active_elsewhere) +
                 "; end it first")
        .Zh("该党员已在其他示范岗任职，请先结束原岗位")
        .Field("post_assignment.member", "already holds an active post")
        .Meta("active_assignment", std::string(active_elsewhere));
  }
  if (max_holders > 0 && holder_count >= max_holders) {
    return ErrorBuilder(absl::StatusCode::kResourceExhausted, "POST_FULL")
        .Message("the post has reached its cap of " + std::to_string(max_holders) + " holders")
        .Zh("该示范岗已满（上限" + std::to_string(max_holders) + "人）")
        .Field("parent", "post full")
        .Meta("max_holders", std::to_string(max_holders));
  }
  return absl::OkStatus();
}

std::vector<std::string> UnassignedMembers(const std::vector<std::string>& serving_members,
                                           const std::set<std::string>& with_active_post) {
  std::vector<std::string> out;
  for (const auto& m : serving_members) {
    if (with_active_post.count(m) == 0) out.push_back(m);
  }
  return out;
}

}  // namespace gongtong::assessment
