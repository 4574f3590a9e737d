#pragma once
// Conversions every registry handler needs: the write context of a call
// (actor, idempotency key and request fingerprint) and the clock.

#include <cstdint>
#include <string>

#include "common/server/rpc_edge.h"
#include "google/protobuf/message.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

gongtong::common::v1::Role ProtoRole(auth::Role role);

// Who acts, under which request_id, for which request (its deterministic
// serialization is the fingerprint that detects a reused request_id).
WriteContext Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const google::protobuf::Message& request);

int64_t NowUnix();

}  // namespace gongtong::registry
