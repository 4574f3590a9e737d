#pragma once
// Resource names and ids of the evaluation and Party handlers:
// "{collection}/{id}", the result names under a run, generated ids. Malformed names are INVALID_ARGUMENT naming the
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
// The id a create asked for (^[a-z0-9][a-z0-9-]{0,39}$, INVALID_ARGUMENT
// naming `field`), or a generated "<prefix>-<16 hex>" one.
absl::StatusOr<std::string> IdOrGenerated(const std::string& id, const char* field, const char* prefix);
// A demonstration post's name parts.
struct PostKey {
  std::string school, post, assignment;
};
// "schools/{code}[/demonstrationPosts/{post}[/assignments/{id}]]" with exactly
// `parts` levels (1..3); INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<PostKey> ParsePostName(const std::string& name, int parts, const std::string& field);
// A school year 2000..2100 (INVALID_ARGUMENT naming `field`).
absl::Status CheckSchoolYear(int year, const std::string& field);
// "schools/{10 digits}" → the code.
absl::StatusOr<std::string> ParseSchoolRef(const std::string& name, const std::string& field);

}  // namespace gongtong::assessment
