#include "assessment/rpc/assessment_service.h"

#include "common/server/skeleton_service.h"

namespace gongtong::assessment {

AssessmentServiceImpl::AssessmentServiceImpl(const AssessmentDeps& deps) : PartyMethods(deps) {
  std::set<std::string> implemented;
  for (const auto* family : {&SupportMethodNames(), &EvaluationMethodNames(), &PartyMethodNames()}) {
    implemented.insert(family->begin(), family->end());
  }
  RouteAllMethodsToEdge(
      av1::AssessmentService::service_full_name(), deps.edge,
      [this](int i, grpc::internal::MethodHandler* h) { MarkMethodRawCallback(i, h); }, implemented);
}

}  // namespace gongtong::assessment
