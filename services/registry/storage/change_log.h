#pragma once
// The registry's change feed and events, written in the caller's transaction
// together with the change itself: a row in `changes` (what ListChanges
// reads) and an event in the outbox (published to gongtong:registry:events).
// Writers are serialised on an advisory lock held until commit, so change
// sequence numbers are assigned in commit order.

#include <string>

#include <pqxx/pqxx>

#include "gongtong/registry/v1/change.pb.h"
#include "google/protobuf/message.h"

namespace gongtong::registry {

inline constexpr char kRegistryStream[] = "gongtong:registry:events";

// Appends `change` (sequence and commit_time are assigned here) and the
// event `payload` about aggregate `name`. Returns the change's sequence.
int64_t RecordChange(pqxx::transaction_base& tx, gongtong::registry::v1::Change change,
                     const std::string& region_code, const std::string& school_code,
                     const google::protobuf::Message& payload, int64_t version,
                     const std::string& correlation_id);

}  // namespace gongtong::registry
