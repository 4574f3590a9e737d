#include "assessment/rpc/support_methods.h"

namespace gongtong::assessment {

const std::set<std::string>& SupportMethodNames() {
  static const std::set<std::string> kNames = {};
  return kNames;
}

SupportMethods::SupportMethods(const AssessmentDeps& deps) : deps_(deps) {}

absl::Status WireSupportTasks(ServiceRuntime&) { return absl::OkStatus(); }

}  // namespace gongtong::assessment
