#include "assessment/domain/support_certification.h"

namespace gongtong::assessment {

namespace {

ThresholdResult Check(std::string rule_id, std::string description, av1::ThresholdScope scope, CentiHours required,
                      CentiHours reached, CentiHours including) {
  ThresholdResult r;
  r.rule_id = std::move(rule_id);
  r.description = std::move(description);
  r.scope = scope;
  r.required = required;
  r.reached = reached;
  r.reached_including_unsigned = including;
  r.met = reached >= required;
  return r;
}

}  // namespace

CertificationDecision DecideCertification(const TermFigures& autumn, const TermFigures& spring, const Thresholds& t) {
  auto counted = [](const TermFigures& f, CentiHours v) { return f.counts ? v : 0; };
  CertificationDecision d;
  d.checks.push_back(Check("R-SUP-2.year_hours", "≥ " + FormatCentiHours(t.min_year_hours) + " class hours in the year",
                           av1::THRESHOLD_SCOPE_YEAR, t.min_year_hours,
                           counted(autumn, autumn.hours) + counted(spring, spring.hours), autumn.hours + spring.hours));
  d.checks.push_back(Check("R-SUP-2.year_lessons",
                           "≥ " + std::to_string(t.min_year_lessons_taught) + " lessons taught in the year",
                           av1::THRESHOLD_SCOPE_YEAR, 100LL * t.min_year_lessons_taught,
                           100LL * (counted(autumn, autumn.lessons_taught) + counted(spring, spring.lessons_taught)),
                           100LL * (autumn.lessons_taught + spring.lessons_taught)));
  const std::string term_desc = "≥ " + std::to_string(t.min_term_lessons_taught) + " lessons taught in the ";
  d.checks.push_back(Check("R-SUP-2.term_lessons", term_desc + "autumn term", av1::THRESHOLD_SCOPE_AUTUMN,
                           100LL * t.min_term_lessons_taught, 100LL * counted(autumn, autumn.lessons_taught),
                           100LL * autumn.lessons_taught));
  d.checks.push_back(Check("R-SUP-2.term_lessons", term_desc + "spring term", av1::THRESHOLD_SCOPE_SPRING,
                           100LL * t.min_term_lessons_taught, 100LL * counted(spring, spring.lessons_taught),
                           100LL * spring.lessons_taught));
  d.checks.push_back(Check("R-SUP-4.signed", "autumn term summary signed", av1::THRESHOLD_SCOPE_AUTUMN, 100,
                           autumn.counts ? 100 : 0, autumn.counts ? 100 : 0));
  d.checks.push_back(Check("R-SUP-4.signed", "spring term summary signed", av1::THRESHOLD_SCOPE_SPRING, 100,
                           spring.counts ? 100 : 0, spring.counts ? 100 : 0));
  d.granted = true;
  for (const auto& c : d.checks) d.granted = d.granted && c.met;
  return d;
}

}  // namespace gongtong::assessment
