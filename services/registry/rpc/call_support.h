#pragma once
// Conversions every registry handler needs: the write context of a call
// (actor, idempotency key and request fingerprint) and the clock.

#include <cstdint>
#include <string>

#include "common/server/rpc_edge.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/type/date.pb.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

gongtong::common::v1::Role ProtoRole(auth::Role role);

// Who acts, under which request_id, for which request (its deterministic
// serialization is the fingerprint that detects a reused request_id).
WriteContext Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const google::protobuf::Message& request);

int64_t NowUnix();

// Today in China (UTC+8), for "in force" rules and start dates.
google::type::Date Today();

// The id a create request asked for (INVALID_ARGUMENT naming `field` unless
// it matches ^[a-z0-9][a-z0-9-]{0,39}$), or a generated "<prefix>-…" one.
absl::StatusOr<std::string> IdOrGenerated(const std::string& id, const char* field, const char* prefix);

// The errors of writing a deleted resource (FAILED_PRECONDITION), deleting
// a deleted one (NOT_FOUND) and undeleting a live one (FAILED_PRECONDITION).
absl::Status Deleted(const char* reason, const std::string& what, const std::string& zh);
absl::Status AlreadyDeleted(const char* reason, const std::string& what, const std::string& zh);
absl::Status NotDeleted(const char* reason, const std::string& what, const std::string& zh);

}  // namespace gongtong::registry
