#include "assessment/domain/evaluation_activity_rules.h"

namespace gongtong::assessment {

namespace sv1 = gongtong::scheduling::v1;

bool IsConcentratedActivityKind(sv1::ActivityKind kind) {
  return kind == sv1::ACTIVITY_KIND_CONCENTRATED_RESEARCH;
}

ActivityCount JointActivityCountOf(const sv1::Activity& activity) {
  ActivityCount out;
  if (activity.state() != sv1::ACTIVITY_STATE_HELD) {
    out.verdict = ActivityVerdict::kNotHeld;
    return out;
  }
  if (!IsConcentratedActivityKind(activity.kind())) {
    out.verdict = ActivityVerdict::kNotConcentrated;
    return out;
  }
  constexpr std::string_view kPrefix = "communities/";
  const std::string& community = activity.community();
  if (activity.organizer_case() != sv1::Activity::kCommunity || community.size() <= kPrefix.size() ||
      community.compare(0, kPrefix.size(), kPrefix) != 0 ||
      community.find('/', kPrefix.size()) != std::string::npos) {
    out.verdict = ActivityVerdict::kNotCommunity;
    return out;
  }
  const auto& term = activity.term();
  if (term.school_year() < 2000 || term.school_year() > 2100 ||
      (term.term() != gongtong::common::v1::TERM_KIND_AUTUMN &&
       term.term() != gongtong::common::v1::TERM_KIND_SPRING)) {
    out.verdict = ActivityVerdict::kNoTerm;
    return out;
  }
  out.verdict = ActivityVerdict::kCounts;
  out.key.metric = av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD;
  out.key.subject = community;
  out.key.school_year = term.school_year();
  out.key.term = term.term();
  return out;
}

}  // namespace gongtong::assessment
