#include "assessment/domain/evaluation_submissions.h"

#include "assessment/domain/evaluation_scheme.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

bool YearEnd(av1::ComponentKind k) { return k == av1::COMPONENT_KIND_PROJECT || k == av1::COMPONENT_KIND_FEATURE; }

int Key(const google::type::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

}  // namespace

std::vector<RequiredFiling> RequiredFilings(const av1::EvaluationScheme& scheme,
                                            gongtong::registry::v1::CommunityType type, bool core,
                                            av1::DeclarationKind declared, int school_year) {
  std::vector<RequiredFiling> out;
  const av1::CommunityTypeRule* rule = RuleForType(scheme, type);
  if (rule == nullptr) return out;  // the scheme does not evaluate this type
  const av1::ComponentKind year_end = !core && declared == av1::DECLARATION_KIND_FEATURE &&
                                              !IsExcluded(*rule, av1::COMPONENT_KIND_FEATURE)
                                          ? av1::COMPONENT_KIND_FEATURE
                                          : av1::COMPONENT_KIND_PROJECT;
  bool declaration = false;
  std::optional<google::type::Date> earliest;
  std::vector<RequiredFiling> assessments;
  for (const auto& c : scheme.components()) {
    if (IsExcluded(*rule, c.kind())) continue;
    std::optional<google::type::Date> deadline;
    if (c.has_self_assessment_deadline()) {
      deadline = DeadlineIn(c.self_assessment_deadline(), school_year);
      if (!earliest || Key(*deadline) < Key(*earliest)) earliest = deadline;
    }
    if (YearEnd(c.kind())) {
      declaration = true;
      if (c.kind() != year_end) continue;  // the alternative not chosen
    }
    assessments.push_back({av1::FILING_KIND_SELF_ASSESSMENT, c.component_id(), deadline});
  }
  if (declaration) out.push_back({av1::FILING_KIND_DECLARATION, "", earliest});
  out.insert(out.end(), assessments.begin(), assessments.end());
  return out;
}

av1::SubmissionStatus StatusOf(const RequiredFiling& required, const FiledInput* input,
                               const google::type::Date& today) {
  if (input != nullptr && input->filed) {
    return input->filing.late() ? av1::SUBMISSION_STATUS_LATE : av1::SUBMISSION_STATUS_ON_TIME;
  }
  if (required.deadline && IsLate(today, *required.deadline)) return av1::SUBMISSION_STATUS_MISSING;
  return input != nullptr ? av1::SUBMISSION_STATUS_DRAFT : av1::SUBMISSION_STATUS_NOT_YET_DUE;
}

absl::Status InputEditable(InputKind kind, bool deleted, bool filed, bool used_by_finalised_run) {
  static const char* const kWhat[] = {"declaration", "self-assessment", "review score"};
  static const char* const kZh[] = {"申报表", "自评", "评审得分"};
  const int i = static_cast<int>(kind);
  if (deleted) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "INPUT_DELETED")
        .Message(std::string("the ") + kWhat[i] + " is deleted")
        .Zh(std::string(kZh[i]) + "已删除")
        .Field("name", "deleted");
  }
  if (filed) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ALREADY_FILED")
        .Message(std::string("the ") + kWhat[i] + " is filed and read-only")
        .Zh(std::string(kZh[i]) + "已提交，不能修改")
        .Field("name", "already filed");
  }
  if (used_by_finalised_run) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "USED_BY_FINALISED_RUN")
        .Message(std::string("a finalised evaluation run used this ") + kWhat[i])
        .Zh(std::string(kZh[i]) + "已用于定稿的考核结果，不能修改")
        .Field("name", "used by a finalised run");
  }
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
