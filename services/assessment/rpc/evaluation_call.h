#pragma once
// Resource names of the evaluation handlers: "{collection}/{id}" and the
// result names under a run. Malformed names are INVALID_ARGUMENT naming the
// field.

#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace gongtong::assessment {

// "{collection}/{id}" → id (id ^[a-z0-9][a-z0-9-]{0,39}$).
absl::StatusOr<std::string> ParseEvalName(const std::string& name, const std::string& collection,
                                          const std::string& field);
// "evaluationRuns/{run}/{collection}/{key}" → (run, key).
absl::StatusOr<std::pair<std::string, std::string>> ParseResultName(const std::string& name,
                                                                    const std::string& collection,
                                                                    const std::string& field);
// "schools/{10 digits}" → the code.
absl::StatusOr<std::string> ParseSchoolRef(const std::string& name, const std::string& field);

}  // namespace gongtong::assessment
