#pragma once
// Community evaluation (考核评价, DOMAIN §6, R-EVAL-*): schemes,
// declarations, self-assessments, review scores, indicators, runs, results
// and the CSV export. Second layer of the chain (see support_methods.h).

#include <set>
#include <string>

#include "assessment/rpc/support_methods.h"

namespace gongtong::assessment {

const std::set<std::string>& EvaluationMethodNames();

class EvaluationMethods : public SupportMethods {
 public:
  explicit EvaluationMethods(const AssessmentDeps& deps);
};

}  // namespace gongtong::assessment
