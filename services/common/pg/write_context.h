#pragma once
// The context of one write: who acts, under which idempotency key, for which
// request — and the replay of an earlier answer for a retried request_id.
// (The registry has its own copy in registry/storage/school_store.h, older
// than this one; new services use this.)

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg/idempotency.h"
#include "common/pg/pool.h"
#include "common/server/rpc_edge.h"
#include "gongtong/common/v1/audit.pb.h"
#include "google/protobuf/message.h"

namespace gongtong::pg {

struct WriteContext {
  gongtong::common::v1::Actor actor;
  std::string method;       // e.g. "CreateSession", the idempotency scope
  std::string request_id;   // may be empty
  std::string fingerprint;  // of the request, for request_id reuse checks
  std::string correlation_id;
  Deadline deadline = NoDeadline();
};

// The write context of a call: the actor from the principal, the request's
// deterministic serialization as fingerprint.
WriteContext Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const google::protobuf::Message& request);

// The role enum of the API for a principal's role.
gongtong::common::v1::Role ProtoRole(auth::Role role);

// Claims ctx.request_id inside `tx` (common/pg/idempotency.h): the first
// call's answer when this call is a retry, nullopt when it is the first.
template <typename M>
absl::StatusOr<std::optional<M>> Replay(pqxx::transaction_base& tx, const WriteContext& ctx) {
  auto first = ClaimRequest(tx, ctx.method, ctx.request_id, ctx.fingerprint);
  if (!first.ok()) return first.status();
  if (!*first) return std::optional<M>();
  M answer;
  answer.ParseFromString(**first);
  return std::optional<M>(std::move(answer));
}

// The answer already given to ctx.request_id, read before a retried request
// is resolved again (so a retry succeeds even if the world changed since):
// its stored bytes, nullopt when there is none (yet), INVALID_ARGUMENT
// (field request_id) when the id was used for a different request.
absl::StatusOr<std::optional<std::string>> StoredAnswer(Pool& pool, const WriteContext& ctx);

template <typename M>
absl::StatusOr<std::optional<M>> PriorAnswer(Pool& pool, const WriteContext& ctx) {
  auto bytes = StoredAnswer(pool, ctx);
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return std::optional<M>();
  M answer;
  answer.ParseFromString(**bytes);
  return std::optional<M>(std::move(answer));
}

}  // namespace gongtong::pg
