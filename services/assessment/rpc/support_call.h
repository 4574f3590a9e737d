#pragma once
// What every support handler needs: the write context of a call and the
// resource names of the family.

#include <string>

#include "absl/status/statusor.h"
#include "assessment/domain/support_year.h"
#include "assessment/storage/support_store.h"
#include "common/server/rpc_edge.h"
#include "google/protobuf/message.h"

namespace gongtong::assessment {

// Who acts, under which request_id, for which request (its deterministic
// serialization is the fingerprint that detects a reused request_id).
SupportWrite Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const google::protobuf::Message& request);

// "supportAssignments/{id}" → id.
absl::StatusOr<std::string> ParseAssignmentName(const std::string& name, const std::string& field);
// "supportAssignments/{a}/activityRecords/{r}" → (a, r).
absl::StatusOr<std::pair<std::string, std::string>> ParseRecordName(const std::string& name, const std::string& field);
// "supportAssignments/{a}/termSummaries/{autumn|spring}" → (a, term).
absl::StatusOr<std::pair<std::string, TermKind>> ParseSummaryName(const std::string& name, const std::string& field);
// "supportAssignments/{a}/certification" → a.
absl::StatusOr<std::string> ParseCertificationName(const std::string& name, const std::string& field);

}  // namespace gongtong::assessment
