#pragma once
// Resource names and ids of the Party handlers (the write context of a call
// is common/pg/write_context.h).

#include <string>

#include "absl/status/statusor.h"
#include "absl/status/status.h"

namespace gongtong::assessment {

// "checkpointRecords/{id}" → id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseCheckpointRecordName(const std::string& name, const std::string& field);
// The id a create asked for (^[a-z0-9][a-z0-9-]{0,39}$, INVALID_ARGUMENT
// naming `field`), or a generated "<prefix>-<16 hex>" one.
absl::StatusOr<std::string> PartyIdOrGenerated(const std::string& id, const char* field, const char* prefix);
// "partyOrganizations/{id}" check; INVALID_ARGUMENT naming `field`.
absl::Status CheckOrganizationName(const std::string& name, const std::string& field);

}  // namespace gongtong::assessment
