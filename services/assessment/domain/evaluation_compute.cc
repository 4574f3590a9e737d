#include "assessment/domain/evaluation_compute.h"

#include <algorithm>

#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using gongtong::common::v1::Decimal;  // proto; the exact type is assessment::Decimal
using Exact = gongtong::assessment::Decimal;

Decimal Pb(const Exact& d) {
  Decimal out;
  out.set_value(d.ToString());
  return out;
}

Decimal PbRounded(const Exact& d, const RoundingPolicy& p) {
  Decimal out;
  out.set_value(d.Format(p.scale, p.mode));
  return out;
}

// Appends a step and returns its value as the computation continues with it:
// rounded when the scheme rounds every step or `reported` (a figure shown as
// a result), exact otherwise.
struct Steps {
  av1::Explanation* explanation;
  RoundingPolicy policy;

  Exact Add(const std::string& description, const std::string& expression,
            std::vector<av1::Operand> operands, const Exact& exact, bool reported) {
    auto* s = explanation->add_steps();
    s->set_number(explanation->steps_size());
    s->set_description(description);
    s->set_expression(expression);
    for (auto& o : operands) *s->add_operands() = std::move(o);
    *s->mutable_exact_result() = Pb(exact);
    const bool round = policy.each_step || reported;
    const Exact rounded = exact.Round(policy.scale, policy.mode);
    if (round) {
      *s->mutable_result() = PbRounded(exact, policy);
    } else {
      *s->mutable_result() = Pb(exact);
    }
    return policy.each_step ? rounded : exact;
  }

  std::string Ref() const { return "step " + std::to_string(explanation->steps_size()); }
};

av1::Operand Op(std::string label, const Exact& value, std::string source) {
  av1::Operand o;
  o.set_label(std::move(label));
  *o.mutable_value() = Pb(value);
  o.set_source(std::move(source));
  return o;
}

// A slot: a component without group, or an alternative group (its id).
std::string SlotOf(const av1::SchemeComponent& c) {
  return c.alternative_group().empty() ? c.component_id() : c.alternative_group();
}

// The component a school is assessed on in `slot`, or nullptr when it cannot
// be chosen (no declaration) — see the header comment.
const av1::SchemeComponent* Chosen(const av1::EvaluationScheme& scheme,
                                   const av1::CommunityTypeRule& rule, const std::string& slot,
                                   bool core, const std::set<av1::ComponentKind>& declared) {
  std::vector<const av1::SchemeComponent*> candidates;
  for (const auto& c : scheme.components()) {
    if (SlotOf(c) != slot || IsExcluded(rule, c.kind())) continue;
    if (core && c.kind() == av1::COMPONENT_KIND_FEATURE && !c.alternative_group().empty()) continue;
    candidates.push_back(&c);
  }
  if (candidates.size() == 1) return candidates.front();
  for (auto kind : {av1::COMPONENT_KIND_FEATURE, av1::COMPONENT_KIND_PROJECT,
                    av1::COMPONENT_KIND_REGULAR_WORK}) {
    if (declared.count(kind) == 0) continue;
    for (const auto* c : candidates) {
      if (c->kind() == kind) return c;
    }
  }
  return nullptr;
}

// One school's slot after evaluation: what the community combines.
// Only applicable slots are present.
struct SlotScore {
  const av1::SchemeComponent* component = nullptr;  // the one assessed on
  std::optional<Exact> contribution;                 // empty when MISSING
};

struct SchoolEvaluation {
  av1::SchoolResult result;
  std::map<std::string, SlotScore> slots;
};

SchoolEvaluation EvaluateSchool(const av1::EvaluationScheme& scheme,
                                const av1::CommunityTypeRule& rule, const SchoolFacts& facts,
                                bool core, const std::set<av1::ComponentKind>& declared,
                                const std::string& community_name, const std::string& run_name) {
  SchoolEvaluation ev;
  auto& r = ev.result;
  r.set_name(run_name + "/schoolResults/" + facts.school_code);
  r.set_school("schools/" + facts.school_code);
  r.set_community(community_name);
  r.set_core(core);
  Steps steps{r.mutable_explanation(), PolicyOf(scheme)};
  const std::string scheme_ref = scheme.name() + "#";
  Exact sum;
  bool complete = true;
  std::vector<std::string> terms;  // the summed figures, for the total step
  std::vector<av1::Operand> total_operands;
  for (const auto& c : scheme.components()) {
    const std::string slot = SlotOf(c);
    auto* cr = r.add_components();
    cr->set_component_id(c.component_id());
    cr->set_kind(c.kind());
    *cr->mutable_max_score() = c.max_score();
    *cr->mutable_share() = c.share();
    if (IsExcluded(rule, c.kind())) {
      cr->set_status(av1::COMPONENT_STATUS_NOT_APPLICABLE);
      cr->set_note("excluded for the community type / 该类型共同体不考核此项");
      continue;
    }
    const auto* chosen = Chosen(scheme, rule, slot, core, declared);
    if (chosen == nullptr) {
      // No declaration decides the alternative: the slot is missing, stated
      // once on its first component.
      if (ev.slots.count(slot) == 0) {
        ev.slots[slot].component = &c;
        cr->set_status(av1::COMPONENT_STATUS_MISSING);
        cr->set_note("no declaration (申报表) chooses project or feature / 未申报项目或特色");
        complete = false;
      } else {
        cr->set_status(av1::COMPONENT_STATUS_NOT_APPLICABLE);
      }
      continue;
    }
    if (chosen != &c) {
      cr->set_status(av1::COMPONENT_STATUS_NOT_APPLICABLE);
      cr->set_note("assessed on " + chosen->component_id() + " instead / 本校按“" +
                   chosen->title() + "”考核");
      continue;
    }
    auto& ss = ev.slots[slot];
    ss.component = &c;
    // Score: person-scored part from the input, plus computed indicators.
    bool needs_input = c.indicators_size() == 0;
    std::vector<std::pair<std::string, Exact>> computed;  // label → score
    for (const auto& ind : c.indicators()) {
      if (ind.metric() == av1::COMPUTED_METRIC_UNSPECIFIED) {
        needs_input = true;
        continue;
      }
      const auto it = facts.metrics.find(ind.metric());
      const Exact value = it == facts.metrics.end() ? Exact() : it->second.value;
      const std::string source = it == facts.metrics.end()
                                     ? "no events (0) / 无记录"
                                     : it->second.source;
      const Exact target = Figure(ind.target());
      const Exact imax = Figure(ind.max_score());
      const Exact score = steps.Add(
          c.title() + " · " + ind.title() + " (computed)",
          "min(" + value.ToString() + " ÷ " + target.ToString() + ", 1) × " + imax.ToString(),
          {Op(av1::ComputedMetric_Name(ind.metric()), value, source),
           Op("target", target, scheme_ref + c.component_id() + "." + ind.indicator_id() + ".target"),
           Op("max_score", imax,
              scheme_ref + c.component_id() + "." + ind.indicator_id() + ".max_score")},
          ComputedIndicatorScore(value, target, imax), false);
      computed.emplace_back(ind.indicator_id(), score);
      cr->add_inputs(source);
    }
    const auto input = facts.scores.find(c.component_id());
    if (needs_input && input == facts.scores.end()) {
      cr->set_status(av1::COMPONENT_STATUS_MISSING);
      cr->set_note("no " + std::string(c.score_basis() == av1::SCORE_BASIS_SELF_ASSESSMENT
                                           ? "self-assessment"
                                           : "review score") +
                   " / 缺少" +
                   (c.score_basis() == av1::SCORE_BASIS_SELF_ASSESSMENT ? "自评" : "评审") +
                   "得分");
      complete = false;
      continue;
    }
    Exact score;
    std::string expression;
    std::vector<av1::Operand> operands;
    if (needs_input) {
      score = input->second.total;
      expression = score.ToString();
      operands.push_back(Op(c.component_id() + " score", score, input->second.source));
      cr->add_inputs(input->second.source);
    }
    for (const auto& [id, s] : computed) {
      expression += (expression.empty() ? "" : " + ") + s.ToString();
      operands.push_back(Op(id, s, "step"));
      score += s;
    }
    if (operands.size() > 1) {
      score = steps.Add(c.title() + " score", expression, std::move(operands), score, false);
    }
    const auto filing = facts.self_assessments.find(c.component_id());
    const SelfAssessmentFiling sa =
        filing == facts.self_assessments.end() ? SelfAssessmentFiling::kNotFiled : filing->second;
    cr->set_status(sa == SelfAssessmentFiling::kLate ? av1::COMPONENT_STATUS_SCORED_LATE
                                                     : av1::COMPONENT_STATUS_SCORED);
    if (sa == SelfAssessmentFiling::kLate) {
      cr->set_note("self-assessment filed late / 自评逾期提交");
    } else if (sa == SelfAssessmentFiling::kNotFiled) {
      cr->set_note("self-assessment not filed / 未提交自评");
    }
    *cr->mutable_score() = Pb(score);
    const Exact share = Figure(c.share());
    const Exact max = Figure(c.max_score());
    const Exact contribution = steps.Add(
        c.title() + " contribution",
        score.ToString() + " × " + share.ToString() + " ÷ " + max.ToString(),
        {Op(c.component_id() + " score", score, needs_input ? input->second.source : "computed"),
         Op("share", share, scheme_ref + c.component_id() + ".share"),
         Op("max_score", max, scheme_ref + c.component_id() + ".max_score")},
        score * share / max, true);
    *cr->mutable_contribution() = PbRounded(contribution, steps.policy);
    ss.contribution = contribution;
    sum += contribution;
    terms.push_back(contribution.ToString());
    total_operands.push_back(Op(c.component_id() + " contribution", contribution, steps.Ref()));
  }
  std::string expression;
  for (const auto& t : terms) expression += (expression.empty() ? "" : " + ") + t;
  const Exact total = steps.Add(complete ? "year total (out of 100)"
                                         : "partial total (inputs missing) / 部分得分（有缺项）",
                                expression.empty() ? "0" : expression, std::move(total_operands),
                                sum, true);
  *r.mutable_partial_total() = PbRounded(total, steps.policy);
  if (complete) *r.mutable_total() = PbRounded(total, steps.policy);
  return ev;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

Exact ComputedIndicatorScore(const Exact& value, const Exact& target, const Exact& max_score) {
  if (target.Sign() <= 0) return max_score;
  Exact ratio = value / target;
  if (ratio > Exact::FromInt(1)) ratio = Exact::FromInt(1);
  if (ratio.Sign() < 0) ratio = Exact();
  return ratio * max_score;
}

absl::StatusOr<CommunityEvaluation> EvaluateCommunity(const av1::EvaluationScheme& scheme,
                                                      const CommunityFacts& facts,
                                                      const std::string& run_name) {
  const auto* rule = RuleForType(scheme, facts.type);
  if (rule == nullptr) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "COMMUNITY_TYPE_NOT_EVALUATED")
        .Message("scheme " + scheme.name() + " has no rule for community type " +
                 gongtong::registry::v1::CommunityType_Name(facts.type))
        .Zh("考核方案未规定该类型共同体的考核办法")
        .Field("community_type", "no rule in the scheme")
        .Meta("community", "communities/" + facts.community_id);
  }
  const RoundingPolicy policy = PolicyOf(scheme);
  const std::string community_name = "communities/" + facts.community_id;
  CommunityEvaluation out;
  auto core = EvaluateSchool(scheme, *rule, facts.core, true, facts.core.declared, community_name,
                             run_name);
  std::vector<SchoolEvaluation> members;
  for (const auto& m : facts.members) {
    std::set<av1::ComponentKind> declared = m.declared;
    if (facts.core.declared.count(av1::COMPONENT_KIND_PROJECT)) {
      declared.insert(av1::COMPONENT_KIND_PROJECT);  // the pair's project
    }
    members.push_back(
        EvaluateSchool(scheme, *rule, m, false, declared, community_name, run_name));
  }

  auto& c = out.community;
  c.set_name(run_name + "/communityResults/" + facts.community_id);
  c.set_community(community_name);
  c.set_community_type(facts.type);
  c.set_mode(rule->mode());
  Steps steps{c.mutable_explanation(), policy};
  bool complete = true;
  Exact sum;
  std::vector<std::string> terms;
  std::vector<av1::Operand> total_operands;
  std::set<std::string> done;
  for (const auto& comp : scheme.components()) {
    const std::string slot = SlotOf(comp);
    if (!done.insert(slot).second) continue;
    const auto core_slot = core.slots.find(slot);
    if (core_slot == core.slots.end()) continue;  // excluded for the type
    const SlotScore& cs = core_slot->second;
    auto* cr = c.add_components();
    cr->set_component_id(cs.component->component_id());
    cr->set_kind(cs.component->kind());
    *cr->mutable_max_score() = cs.component->max_score();
    *cr->mutable_share() = cs.component->share();
    // Members grouped by the kind they are assessed on in this slot.
    std::map<av1::ComponentKind, std::vector<std::pair<std::string, Exact>>> by_kind;
    std::vector<std::string> missing;
    if (!cs.contribution) missing.push_back(facts.core.school_code);
    for (size_t i = 0; i < members.size(); ++i) {
      const auto ms_it = members[i].slots.find(slot);
      if (ms_it == members[i].slots.end()) continue;  // not applicable to it
      const SlotScore& ms = ms_it->second;
      if (!ms.contribution) {
        missing.push_back(facts.members[i].school_code);
        continue;
      }
      by_kind[ms.component->kind()].emplace_back(facts.members[i].school_code, *ms.contribution);
    }
    if (!missing.empty()) {
      cr->set_status(av1::COMPONENT_STATUS_MISSING);
      cr->set_note("missing for schools " + Join(missing, ", ") + " / 缺少学校得分");
      complete = false;
      continue;
    }
    cr->set_status(av1::COMPONENT_STATUS_SCORED);
    const Exact core_c = *cs.contribution;
    const std::string core_ref = run_name + "/schoolResults/" + facts.core.school_code;
    Exact slot_value;
    std::vector<std::string> notes;
    if (by_kind.empty()) {  // no member is assessed on this slot
      slot_value = core_c;
      notes.push_back("core only " + core_c.ToString());
    }
    std::vector<std::pair<Exact, size_t>> combined_by_kind;
    for (const auto& [kind, list] : by_kind) {
      const auto* ratio = RatioFor(*rule, kind);
      const Exact rc = ratio ? Figure(ratio->core()) : Exact::FromInt(1);
      const Exact rm = ratio ? Figure(ratio->member()) : Exact::FromInt(1);
      Exact member_sum;
      std::vector<std::string> names;
      std::vector<av1::Operand> ops;
      for (const auto& [code, v] : list) {
        member_sum += v;
        names.push_back(v.ToString());
        ops.push_back(Op("schools/" + code + " contribution",
                         v, run_name + "/schoolResults/" + code));
      }
      Exact member_side = list.front().second;
      if (list.size() > 1) {
        member_side = steps.Add(
            comp.title() + " member side (mean of " + std::to_string(list.size()) + ")",
            "(" + Join(names, " + ") + ") ÷ " + std::to_string(list.size()), std::move(ops),
            member_sum / Exact::FromInt(static_cast<int64_t>(list.size())), false);
      }
      const std::string kind_name = av1::ComponentKind_Name(kind);
      const Exact combined = steps.Add(
          comp.title() + " core:member " + rc.ToString() + ":" + rm.ToString() + " (" + kind_name +
              ")",
          "(" + core_c.ToString() + " × " + rc.ToString() + " + " + member_side.ToString() +
              " × " + rm.ToString() + ") ÷ (" + rc.ToString() + " + " + rm.ToString() + ")",
          {Op("core contribution", core_c, core_ref), Op("core weight", rc, scheme.name() + "#type_rules." + kind_name + ".core"),
           Op("member side", member_side, list.size() > 1 ? steps.Ref() : run_name + "/schoolResults/" + list.front().first),
           Op("member weight", rm, scheme.name() + "#type_rules." + kind_name + ".member")},
          (core_c * rc + member_side * rm) / (rc + rm), by_kind.size() == 1);
      combined_by_kind.emplace_back(combined, list.size());
      notes.push_back("core " + core_c.ToString() + ", member side " + member_side.ToString() +
                      ", ratio " + rc.ToString() + ":" + rm.ToString() + " (" + kind_name + ")");
    }
    if (combined_by_kind.size() == 1) {
      slot_value = combined_by_kind.front().first;
      // The members' alternative names the slot (the ratio follows it).
      for (const auto& other : scheme.components()) {
        if (SlotOf(other) == slot && other.kind() == by_kind.begin()->first) {
          cr->set_component_id(other.component_id());
          cr->set_kind(other.kind());
          break;
        }
      }
    } else if (combined_by_kind.size() > 1) {
      Exact weighted;
      int64_t counted = 0;
      std::vector<std::string> parts;
      std::vector<av1::Operand> ops;
      for (const auto& [v, n] : combined_by_kind) {
        weighted += v * Exact::FromInt(static_cast<int64_t>(n));
        counted += static_cast<int64_t>(n);
        parts.push_back(v.ToString() + " × " + std::to_string(n));
        ops.push_back(Op("combined", v, "step"));
      }
      slot_value = steps.Add(comp.title() + " mean over members",
                             "(" + Join(parts, " + ") + ") ÷ " + std::to_string(counted),
                             std::move(ops), weighted / Exact::FromInt(counted), true);
      cr->set_component_id(slot);
    }
    cr->set_note(Join(notes, "; "));
    *cr->mutable_contribution() = PbRounded(slot_value, policy);
    *cr->mutable_score() =
        Pb(slot_value * Figure(cs.component->max_score()) / Figure(cs.component->share()));
    sum += slot_value;
    terms.push_back(slot_value.ToString());
    total_operands.push_back(Op(slot + " combined", slot_value, steps.Ref()));
  }
  const Exact total =
      steps.Add(complete ? "community year total (out of 100)" : "partial total (inputs missing) / 部分得分（有缺项）",
                terms.empty() ? "0" : Join(terms, " + "), std::move(total_operands), sum, true);
  const Exact reported = total.Round(policy.scale, policy.mode);
  *c.mutable_partial_total() = PbRounded(total, policy);
  c.set_complete(complete);
  if (complete) {
    *c.mutable_total() = PbRounded(total, policy);
    const Exact share = Figure(scheme.school_assessment_share());
    const Exact points = steps.Add(
        "points entering each school's yearly assessment (R-EVAL-4)",
        reported.ToString() + " × " + share.ToString(),
        {Op("community total", reported, steps.Ref()),
         Op("school_assessment_share", share, scheme.name() + "#school_assessment_share")},
        reported * share, true);
    *c.mutable_school_assessment_points() = PbRounded(points, policy);
  }
  out.schools.push_back(std::move(core.result));
  for (auto& m : members) out.schools.push_back(std::move(m.result));
  for (const auto& s : out.schools) c.add_school_results(s.name());
  return out;
}

void RankCommunities(std::vector<av1::CommunityResult*>& results) {
  std::vector<std::pair<Exact, av1::CommunityResult*>> complete;
  for (auto* r : results) {
    r->set_rank(0);
    Exact total;
    if (r->complete() && Exact::TryParse(r->total().value(), &total)) {
      complete.emplace_back(total, r);
    }
  }
  std::stable_sort(complete.begin(), complete.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second->community() < b.second->community();
  });
  for (size_t i = 0; i < complete.size(); ++i) {
    const bool same_as_prev = i > 0 && complete[i].first == complete[i - 1].first;
    complete[i].second->set_rank(same_as_prev ? complete[i - 1].second->rank()
                                              : static_cast<int>(i) + 1);
  }
  for (size_t i = 0; i < complete.size(); ++i) {
    std::vector<std::string> tied;
    for (size_t j = 0; j < complete.size(); ++j) {
      if (j != i && complete[j].first == complete[i].first) tied.push_back(complete[j].second->community());
    }
    auto* r = complete[i].second;
    auto* step = r->mutable_explanation()->add_steps();
    step->set_number(r->explanation().steps_size());
    step->set_description(tied.empty() ? "rank in the region / 区域内排名"
                                       : "rank in the region, tied with " + Join(tied, ", ") +
                                             " (equal totals share a rank) / 并列");
    step->set_expression("total " + complete[i].first.ToString() + " among " +
                         std::to_string(complete.size()) + " complete results");
    step->mutable_exact_result()->set_value(std::to_string(r->rank()));
    step->mutable_result()->set_value(std::to_string(r->rank()));
  }
}

}  // namespace gongtong::assessment
