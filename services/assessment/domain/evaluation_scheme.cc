#include "assessment/domain/evaluation_scheme.h"

#include <map>
#include <set>

#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using gongtong::registry::v1::CommunityType;
using gongtong::registry::v1::COMMUNITY_TYPE_CO_BUILT;
using gongtong::registry::v1::COMMUNITY_TYPE_COLLABORATIVE;
using gongtong::registry::v1::COMMUNITY_TYPE_FUSED;

gongtong::common::v1::Decimal Pb(std::string_view text) {
  gongtong::common::v1::Decimal d;
  d.set_value(std::string(text));
  return d;
}

google::type::Date MonthDay(int month, int day) {
  google::type::Date d;
  d.set_month(month);
  d.set_day(day);
  return d;
}

void AddComponent(av1::EvaluationScheme& s, const char* id, av1::ComponentKind kind,
                  const char* title, gongtong::common::v1::TermKind term, const char* max,
                  const char* share, const char* group, int month, int day) {
  auto* c = s.add_components();
  c->set_component_id(id);
  c->set_kind(kind);
  c->set_title(title);
  c->set_term(term);
  *c->mutable_max_score() = Pb(max);
  *c->mutable_share() = Pb(share);
  c->set_alternative_group(group);
  *c->mutable_self_assessment_deadline() = MonthDay(month, day);
  c->set_score_basis(av1::SCORE_BASIS_REVIEW);
}

void AddRule(av1::EvaluationScheme& s, CommunityType type, av1::AssessmentMode mode,
             std::initializer_list<std::tuple<av1::ComponentKind, const char*, const char*>> ratios,
             std::initializer_list<av1::ComponentKind> excluded) {
  auto* r = s.add_type_rules();
  r->set_community_type(type);
  r->set_mode(mode);
  for (const auto& [kind, core, member] : ratios) {
    auto* ratio = r->add_ratios();
    ratio->set_kind(kind);
    *ratio->mutable_core() = Pb(core);
    *ratio->mutable_member() = Pb(member);
  }
  for (auto k : excluded) r->add_excluded_kinds(k);
}

av1::EvaluationScheme BuildDefault() {
  using gongtong::common::v1::TERM_KIND_AUTUMN;
  using gongtong::common::v1::TERM_KIND_SPRING;
  using gongtong::common::v1::TERM_KIND_UNSPECIFIED;
  av1::EvaluationScheme s;
  s.set_name(kDefaultSchemeName);
  s.set_display_name("玉环市城乡义务教育共同体考核评价方案（默认）");
  s.set_version(1);
  s.set_state(av1::SCHEME_STATE_PUBLISHED);
  // R-EVAL-1: two terms of regular work at 30 % each; year end project or
  // feature out of 40, counted at its actual score; deadlines R-EVAL-3.
  AddComponent(s, "regular_autumn", av1::COMPONENT_KIND_REGULAR_WORK, "第一学期常态化工作",
               TERM_KIND_AUTUMN, "100", "30", "", 11, 10);
  AddComponent(s, "regular_spring", av1::COMPONENT_KIND_REGULAR_WORK, "第二学期常态化工作",
               TERM_KIND_SPRING, "100", "30", "", 6, 10);
  AddComponent(s, "project", av1::COMPONENT_KIND_PROJECT, "项目评估", TERM_KIND_UNSPECIFIED, "40",
               "40", "year_end", 5, 30);
  AddComponent(s, "feature", av1::COMPONENT_KIND_FEATURE, "特色发展评估", TERM_KIND_UNSPECIFIED,
               "40", "40", "year_end", 5, 30);
  // R-EVAL-2.
  for (auto type : {COMMUNITY_TYPE_FUSED, COMMUNITY_TYPE_CO_BUILT}) {
    AddRule(s, type,
            type == COMMUNITY_TYPE_FUSED ? av1::ASSESSMENT_MODE_INTEGRATED
                                         : av1::ASSESSMENT_MODE_BUNDLED,
            {{av1::COMPONENT_KIND_REGULAR_WORK, "1", "1"},
             {av1::COMPONENT_KIND_PROJECT, "7", "3"},
             {av1::COMPONENT_KIND_FEATURE, "3", "7"}},
            {});
  }
  // Reading: "regular work and project weighted equally" = 1:1 each.
  AddRule(s, COMMUNITY_TYPE_COLLABORATIVE, av1::ASSESSMENT_MODE_BUNDLED,
          {{av1::COMPONENT_KIND_REGULAR_WORK, "1", "1"}, {av1::COMPONENT_KIND_PROJECT, "1", "1"}},
          {av1::COMPONENT_KIND_FEATURE});
  s.mutable_rounding()->set_scale(2);
  s.mutable_rounding()->set_mode(av1::ROUNDING_MODE_HALF_UP);
  s.mutable_rounding()->set_point(av1::ROUNDING_POINT_FINAL_ONLY);
  *s.mutable_school_assessment_share() = Pb("0.2");
  return s;
}

bool IsComponentId(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Checks a scheme figure: canonical, within bounds, ≤ 6 fraction digits.
// Returns the value through `out` when valid.
bool CheckFigure(const gongtong::common::v1::Decimal& pb, const std::string& field,
                 const char* zh_name, bool positive, std::vector<EvalViolation>& v,
                 Decimal* out) {
  Decimal d;
  if (!Decimal::TryParse(pb.value(), &d)) {
    v.push_back({field, "must be a canonical decimal", std::string(zh_name) + "必须是规范的十进制数"});
    return false;
  }
  if (d.FractionDigits() > 6 || d > Decimal::FromInt(1000000) || d.Sign() < 0 ||
      (positive && d.IsZero())) {
    v.push_back({field,
                 positive ? "must be positive, at most 1000000, at most 6 decimal places"
                          : "must be 0..1000000 with at most 6 decimal places",
                 std::string(zh_name) + (positive ? "必须为正数，不超过1000000，至多6位小数"
                                                  : "必须在0到1000000之间，至多6位小数")});
    return false;
  }
  *out = d;
  return true;
}

bool ValidMonthDay(const google::type::Date& d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d.year() == 0 && d.month() >= 1 && d.month() <= 12 && d.day() >= 1 &&
         d.day() <= kDays[d.month() - 1];
}

std::string KindUsed(av1::ComponentKind k) { return av1::ComponentKind_Name(k); }

}  // namespace

absl::Status ViolationsStatus(const std::vector<EvalViolation>& violations,
                              const std::string& reason) {
  if (violations.empty()) return absl::OkStatus();
  std::string message = violations.front().field + ": " + violations.front().description;
  std::string zh = violations.front().zh;
  if (violations.size() > 1) {
    message += " (and " + std::to_string(violations.size() - 1) + " more)";
    zh += "（另有" + std::to_string(violations.size() - 1) + "处问题）";
  }
  ErrorBuilder b(absl::StatusCode::kInvalidArgument, reason);
  b.Message(message).Zh(zh);
  for (const auto& v : violations) b.Field(v.field, v.description);
  return b.Build();
}

const av1::EvaluationScheme& DefaultScheme() {
  static const av1::EvaluationScheme* kScheme = new av1::EvaluationScheme(BuildDefault());
  return *kScheme;
}

std::vector<EvalViolation> SchemeViolations(const av1::EvaluationScheme& s,
                                            const std::string& prefix) {
  std::vector<EvalViolation> v;
  const std::string p = prefix.empty() ? "" : prefix + ".";
  if (s.display_name().empty() || s.display_name().size() > 300) {
    v.push_back({p + "display_name", "required, at most 300 bytes", "方案名称必填"});
  }
  if (s.school_year() != 0 && (s.school_year() < 2000 || s.school_year() > 2100)) {
    v.push_back({p + "school_year", "must be 2000..2100 (or 0 for any year)",
                 "学年必须在2000到2100之间"});
  }
  if (s.components_size() < 1 || s.components_size() > 20) {
    v.push_back({p + "components", "must have 1..20 components", "考核项目须为1到20项"});
  }
  std::set<std::string> ids;
  std::set<av1::ComponentKind> kinds_used;
  std::map<std::string, Decimal> group_share;  // alternative group → share
  Decimal total;
  bool shares_ok = true;
  for (int i = 0; i < s.components_size(); ++i) {
    const auto& c = s.components(i);
    const std::string f = p + "components[" + std::to_string(i) + "]";
    if (!IsComponentId(c.component_id())) {
      v.push_back({f + ".component_id", "must match ^[a-z0-9_]{1,40}$",
                   "项目编号须为1到40位小写字母、数字或下划线"});
    } else if (!ids.insert(c.component_id()).second) {
      v.push_back({f + ".component_id", "duplicate component id \"" + c.component_id() + "\"",
                   "项目编号“" + c.component_id() + "”重复"});
    }
    if (c.kind() == av1::COMPONENT_KIND_UNSPECIFIED || !av1::ComponentKind_IsValid(c.kind())) {
      v.push_back({f + ".kind", "required", "项目类别必填"});
    } else {
      kinds_used.insert(c.kind());
    }
    if (c.kind() == av1::COMPONENT_KIND_REGULAR_WORK &&
        c.term() == gongtong::common::v1::TERM_KIND_UNSPECIFIED) {
      v.push_back({f + ".term", "regular work is assessed per term: name the term",
                   "常态化工作按学期考核，须指定学期"});
    }
    if (c.title().empty()) v.push_back({f + ".title", "required", "项目名称必填"});
    Decimal max, share;
    const bool max_ok = CheckFigure(c.max_score(), f + ".max_score", "满分", true, v, &max);
    if (!CheckFigure(c.share(), f + ".share", "权重", true, v, &share)) {
      shares_ok = false;
    } else if (c.alternative_group().empty()) {
      total += share;
    } else {
      auto [it, inserted] = group_share.emplace(c.alternative_group(), share);
      if (inserted) {
        total += share;
      } else if (it->second != share) {
        v.push_back({f + ".share",
                     "alternatives of group \"" + c.alternative_group() + "\" must have equal shares",
                     "同组可选项目（" + c.alternative_group() + "）的权重必须相同"});
        shares_ok = false;
      }
    }
    if (c.has_self_assessment_deadline() && !ValidMonthDay(c.self_assessment_deadline())) {
      v.push_back({f + ".self_assessment_deadline", "must be a month and day with year 0",
                   "自评截止日期须为月和日（年份为0）"});
    }
    std::set<std::string> indicator_ids;
    Decimal indicator_sum;
    bool indicators_ok = true;
    for (int j = 0; j < c.indicators_size(); ++j) {
      const auto& ind = c.indicators(j);
      const std::string g = f + ".indicators[" + std::to_string(j) + "]";
      if (!IsComponentId(ind.indicator_id())) {
        v.push_back({g + ".indicator_id", "must match ^[a-z0-9_]{1,40}$",
                     "指标编号须为1到40位小写字母、数字或下划线"});
      } else if (!indicator_ids.insert(ind.indicator_id()).second) {
        v.push_back({g + ".indicator_id", "duplicate indicator id", "指标编号重复"});
      }
      Decimal imax;
      if (CheckFigure(ind.max_score(), g + ".max_score", "指标满分", true, v, &imax)) {
        indicator_sum += imax;
      } else {
        indicators_ok = false;
      }
      Decimal target;
      if (ind.metric() != av1::COMPUTED_METRIC_UNSPECIFIED &&
          !CheckFigure(ind.target(), g + ".target", "指标目标值", true, v, &target)) {
        indicators_ok = false;
      }
    }
    if (c.indicators_size() > 0 && indicators_ok && max_ok && indicator_sum != max) {
      v.push_back({f + ".indicators",
                   "indicator max scores sum to " + indicator_sum.ToString() + ", not max_score " +
                       max.ToString(),
                   "各指标满分之和为" + indicator_sum.ToString() + "，不等于项目满分" +
                       max.ToString()});
    }
  }
  if (shares_ok && s.components_size() > 0 && total != Decimal::FromInt(100)) {
    v.push_back({p + "components",
                 "shares sum to " + total.ToString() +
                     ", must be exactly 100 (each alternative group counted once)",
                 "各项目权重之和为" + total.ToString() + "，必须恰好为100（可选项目组只计一次）"});
  }
  std::set<int> types;
  for (int i = 0; i < s.type_rules_size(); ++i) {
    const auto& r = s.type_rules(i);
    const std::string f = p + "type_rules[" + std::to_string(i) + "]";
    if (r.community_type() == gongtong::registry::v1::COMMUNITY_TYPE_UNSPECIFIED) {
      v.push_back({f + ".community_type", "required", "共同体类型必填"});
    } else if (!types.insert(r.community_type()).second) {
      v.push_back({f + ".community_type", "one rule per community type", "每种共同体类型只能有一条规则"});
    }
    if (r.mode() == av1::ASSESSMENT_MODE_UNSPECIFIED) {
      v.push_back({f + ".mode", "required", "考核方式必填"});
    }
    std::set<av1::ComponentKind> with_ratio;
    for (int j = 0; j < r.ratios_size(); ++j) {
      const auto& ratio = r.ratios(j);
      const std::string g = f + ".ratios[" + std::to_string(j) + "]";
      if (!with_ratio.insert(ratio.kind()).second) {
        v.push_back({g + ".kind", "one ratio per component kind", "每类项目只能有一个比例"});
      }
      Decimal core, member;
      const bool ok = CheckFigure(ratio.core(), g + ".core", "核心校权重", false, v, &core) &
                      CheckFigure(ratio.member(), g + ".member", "成员校权重", false, v, &member);
      if (ok && (core + member).IsZero()) {
        v.push_back({g, "core + member must be positive", "核心校与成员校权重之和必须为正"});
      }
    }
    for (auto kind : kinds_used) {
      if (!IsExcluded(r, kind) && with_ratio.count(kind) == 0) {
        v.push_back({f + ".ratios", "no core:member ratio for " + KindUsed(kind),
                     "缺少" + KindUsed(kind) + "的核心校与成员校比例"});
      }
    }
  }
  if (s.rounding().scale() < 0 || s.rounding().scale() > 6) {
    v.push_back({p + "rounding.scale", "must be 0..6", "保留小数位数须为0到6"});
  }
  if (!s.school_assessment_share().value().empty()) {
    Decimal share;
    if (CheckFigure(s.school_assessment_share(), p + "school_assessment_share", "计入学校考核比例",
                    false, v, &share) &&
        share > Decimal::FromInt(1)) {
      v.push_back({p + "school_assessment_share", "must be 0..1", "计入学校考核比例须在0到1之间"});
    }
  }
  return v;
}

absl::Status ValidateScheme(const av1::EvaluationScheme& s, const std::string& prefix) {
  return ViolationsStatus(SchemeViolations(s, prefix), "SCHEME_INVALID");
}

const av1::SchemeComponent* FindComponent(const av1::EvaluationScheme& s,
                                          std::string_view component_id) {
  for (const auto& c : s.components()) {
    if (c.component_id() == component_id) return &c;
  }
  return nullptr;
}

absl::StatusOr<const av1::SchemeComponent*> ComponentForInput(const av1::EvaluationScheme& s,
                                                              std::string_view component_id,
                                                              const std::string& field) {
  if (const auto* c = FindComponent(s, component_id)) return c;
  std::string known;
  for (const auto& c : s.components()) known += (known.empty() ? "" : ", ") + c.component_id();
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, "COMPONENT_NOT_IN_SCHEME")
      .Message("scheme " + s.name() + " has no component \"" + std::string(component_id) +
               "\" (it has: " + known + ")")
      .Zh("考核方案中没有项目“" + std::string(component_id) + "”（现有项目：" + known + "）")
      .Field(field, "not a component of the scheme")
      .Meta("scheme", s.name());
}

const av1::CommunityTypeRule* RuleForType(const av1::EvaluationScheme& s,
                                          gongtong::registry::v1::CommunityType type) {
  for (const auto& r : s.type_rules()) {
    if (r.community_type() == type) return &r;
  }
  return nullptr;
}

bool IsExcluded(const av1::CommunityTypeRule& rule, av1::ComponentKind kind) {
  for (int k : rule.excluded_kinds()) {
    if (k == kind) return true;
  }
  return false;
}

const av1::ComponentRatio* RatioFor(const av1::CommunityTypeRule& rule, av1::ComponentKind kind) {
  for (const auto& r : rule.ratios()) {
    if (r.kind() == kind) return &r;
  }
  return nullptr;
}

RoundingPolicy PolicyOf(const av1::EvaluationScheme& s) {
  RoundingPolicy p;
  if (s.has_rounding()) p.scale = s.rounding().scale();
  switch (s.rounding().mode()) {
    case av1::ROUNDING_MODE_HALF_EVEN: p.mode = Rounding::kHalfEven; break;
    case av1::ROUNDING_MODE_DOWN: p.mode = Rounding::kDown; break;
    default: p.mode = Rounding::kHalfUp; break;
  }
  p.each_step = s.rounding().point() == av1::ROUNDING_POINT_EACH_STEP;
  return p;
}

Decimal Figure(const gongtong::common::v1::Decimal& d) {
  Decimal out;
  if (!Decimal::TryParse(d.value(), &out)) return Decimal();
  return out;
}

google::type::Date DeadlineIn(const google::type::Date& month_day, int school_year) {
  google::type::Date d = month_day;
  d.set_year(month_day.month() >= 8 ? school_year : school_year + 1);
  if (d.month() == 2 && d.day() == 29) {
    const int y = d.year();
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (!leap) d.set_day(28);
  }
  return d;
}

bool IsLate(const google::type::Date& filed, const google::type::Date& deadline) {
  auto key = [](const google::type::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); };
  return key(filed) > key(deadline);
}

absl::StatusOr<Decimal> ScoreTotal(
    const av1::SchemeComponent& c,
    const google::protobuf::RepeatedPtrField<gongtong::assessment::v1::IndicatorScore>& scores,
    const std::string& field, bool complete) {
  std::map<std::string, Decimal> max_of;  // person-scored indicators
  if (c.indicators_size() == 0) max_of[""] = Figure(c.max_score());
  for (const auto& ind : c.indicators()) {
    if (ind.metric() == av1::COMPUTED_METRIC_UNSPECIFIED) max_of[ind.indicator_id()] = Figure(ind.max_score());
  }
  std::set<std::string> seen;
  Decimal total;
  for (int i = 0; i < scores.size(); ++i) {
    const auto& s = scores.Get(i);
    const std::string f = field + "[" + std::to_string(i) + "]";
    const auto it = max_of.find(s.indicator_id());
    if (it == max_of.end()) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "SCORE_INVALID")
          .Message("\"" + s.indicator_id() + "\" is not a person-scored indicator of " + c.component_id())
          .Zh("指标“" + s.indicator_id() + "”不属于该项目或由系统计算")
          .Field(f + ".indicator_id", "unknown indicator");
    }
    if (!seen.insert(s.indicator_id()).second) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "SCORE_INVALID")
          .Message("indicator \"" + s.indicator_id() + "\" scored twice")
          .Zh("指标“" + s.indicator_id() + "”重复评分")
          .Field(f + ".indicator_id", "scored twice");
    }
    Decimal v;
    if (!Decimal::TryParse(s.score().value(), &v) || v.Sign() < 0 || v > it->second) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "SCORE_INVALID")
          .Message("score must be a decimal 0.." + it->second.ToString())
          .Zh("得分须为0到" + it->second.ToString() + "之间的数")
          .Field(f + ".score", "must be 0.." + it->second.ToString());
    }
    total += v;
  }
  if (complete) {
    for (const auto& [id, max] : max_of) {
      if (seen.count(id) == 0) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCORES_INCOMPLETE")
            .Message("indicator \"" + id + "\" of " + c.component_id() + " is not scored")
            .Zh("指标“" + id + "”尚未评分，不能提交")
            .Field(field, "indicator " + id + " not scored");
      }
    }
  }
  return total;
}

const av1::EvaluationScheme* SelectScheme(const std::vector<av1::EvaluationScheme>& stored,
                                          std::string_view region_code, int school_year) {
  const av1::EvaluationScheme* best = nullptr;
  auto better = [](const av1::EvaluationScheme& a, const av1::EvaluationScheme& b) {
    if (a.region_code().size() != b.region_code().size()) {
      return a.region_code().size() > b.region_code().size();
    }
    if ((a.school_year() != 0) != (b.school_year() != 0)) return a.school_year() != 0;
    return a.version() > b.version();
  };
  for (const auto& s : stored) {
    if (s.state() != av1::SCHEME_STATE_PUBLISHED) continue;
    if (region_code.substr(0, s.region_code().size()) != s.region_code()) continue;
    if (s.school_year() != 0 && s.school_year() != school_year) continue;
    if (best == nullptr || better(s, *best)) best = &s;
  }
  return best != nullptr ? best : &DefaultScheme();
}

}  // namespace gongtong::assessment
