#include "assessment/rpc/evaluation_methods.h"

namespace gongtong::assessment {

const std::set<std::string>& EvaluationMethodNames() {
  static const std::set<std::string> kNames = {};
  return kNames;
}

EvaluationMethods::EvaluationMethods(const AssessmentDeps& deps) : SupportMethods(deps) {}

}  // namespace gongtong::assessment
