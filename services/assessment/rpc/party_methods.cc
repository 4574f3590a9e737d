#include "assessment/rpc/party_methods.h"

namespace gongtong::assessment {

const std::set<std::string>& PartyMethodNames() {
  static const std::set<std::string> kNames = {};
  return kNames;
}

PartyMethods::PartyMethods(const AssessmentDeps& deps) : EvaluationMethods(deps) {}

}  // namespace gongtong::assessment
