#pragma once
// Party points (DOMAIN §6, R-PARTY-1 "New Long March" checkpoints, R-PARTY-2
// demonstration posts). Third layer of the chain (see support_methods.h).

#include <set>
#include <string>

#include "assessment/rpc/evaluation_methods.h"

namespace gongtong::assessment {

const std::set<std::string>& PartyMethodNames();

class PartyMethods : public EvaluationMethods {
 public:
  explicit PartyMethods(const AssessmentDeps& deps);
};

}  // namespace gongtong::assessment
