#pragma once
// The registry's change feed and events, written in the caller's transaction
// together with the change itself: a row in `changes` (what ListChanges
// reads) and an event in the outbox (published to gongtong:registry:events).
// Writers are serialised on an advisory lock held until commit, so change
// sequence numbers are assigned in commit order.

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "gongtong/events/v1/envelope.pb.h"

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

// Bulk import: while a DeferredChanges is open on `tx` (in this thread),
// RecordChange on that transaction queues the change and its event (and
// returns 0) instead of writing them; Flush() writes what is queued, in
// order, with three statements (the advisory lock, one multi-row INSERT into
// `changes`, one into the outbox). The destructor drops what was not flushed.
class DeferredChanges {
 public:
  explicit DeferredChanges(pqxx::transaction_base& tx);
  ~DeferredChanges();
  DeferredChanges(const DeferredChanges&) = delete;
  DeferredChanges& operator=(const DeferredChanges&) = delete;
  void Flush();

 private:
  friend int64_t RecordChange(pqxx::transaction_base&, gongtong::registry::v1::Change, const std::string&,
                              const std::string&, const google::protobuf::Message&, int64_t, const std::string&);
  struct Queued {
    int resource_type;
    std::string region_code, school_code, change;
    gongtong::events::v1::EventEnvelope event;
  };
  pqxx::transaction_base& tx_;
  DeferredChanges* outer_;
  std::vector<Queued> queued_;
};

}  // namespace gongtong::registry
