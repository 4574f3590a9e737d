#pragma once
// Support teaching (支教, DOMAIN §4, R-SUP-*): rules, quotas, assignments,
// activity records, term summaries with their sign-off, certification.
// First layer of the AssessmentService implementation: each family of
// methods is one class in the chain
//   SupportMethods → EvaluationMethods → PartyMethods → AssessmentServiceImpl
// so every family lives in its own files.

#include <set>
#include <string>

#include "absl/status/status.h"
#include "assessment/rpc/assessment_deps.h"
#include "common/server/service_main.h"
#include "gongtong/assessment/v1/assessment_service.grpc.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

// Names of the methods this family implements (the rest of the service
// routes the others to UNIMPLEMENTED).
const std::set<std::string>& SupportMethodNames();

class SupportMethods : public av1::AssessmentService::CallbackService {
 public:
  explicit SupportMethods(const AssessmentDeps& deps);

 protected:
  AssessmentDeps deps_;
};

// Background work of this family (e.g. the consumer of booking events that
// records delivered synchronous sessions), added to the host by main().
absl::Status WireSupportTasks(ServiceRuntime& rt);

}  // namespace gongtong::assessment
