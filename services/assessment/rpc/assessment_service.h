#pragma once
// The gRPC AssessmentService: the chain of method families (support →
// evaluation → party); every method no family implements is routed through
// the edge and answers UNIMPLEMENTED after authentication.

#include "assessment/rpc/party_methods.h"

namespace gongtong::assessment {

class AssessmentServiceImpl final : public PartyMethods {
 public:
  explicit AssessmentServiceImpl(const AssessmentDeps& deps);
};

}  // namespace gongtong::assessment
