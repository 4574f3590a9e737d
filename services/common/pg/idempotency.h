#pragma once
// Idempotent writes by request_id (AIP-155), inside the caller's transaction.
//
//   auto first = ClaimRequest(tx, "CreateSchool", request_id, fingerprint);
//   if (!first.ok()) return first.status();       // same id, other request
//   if (*first) return parse(**first);             // a retry: the first answer
//   ... do the change ...
//   RecordResponse(tx, "CreateSchool", request_id, response.SerializeAsString());
//
// The claim is an INSERT .. ON CONFLICT DO NOTHING, so a concurrent retry
// waits for the first transaction and then sees its answer. A failed call
// rolls back its claim, so retrying it acts again. An empty request_id
// claims nothing.

#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"

namespace gongtong::pg {

// The stored answer of an earlier call with this request_id and the same
// fingerprint; nullopt when this call is the first. INVALID_ARGUMENT
// (field request_id) when the id was used for a different request.
absl::StatusOr<std::optional<std::string>> ClaimRequest(pqxx::transaction_base& tx, const std::string& method,
                                                        const std::string& request_id,
                                                        const std::string& fingerprint);

void RecordResponse(pqxx::transaction_base& tx, const std::string& method, const std::string& request_id,
                    const std::string& response);

// A fingerprint of a request message's bytes (deterministic serialization).
std::string Fingerprint(const std::string& bytes);

}  // namespace gongtong::pg
