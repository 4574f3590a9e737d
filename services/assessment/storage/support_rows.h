#pragma once
// What every support store needs to map messages to rows and back: bodies,
// etags, the clock, idempotent replays and outbox events.

#include <cstdint>
#include <optional>
#include <pqxx/binarystring>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "assessment/storage/support_store.h"
#include "common/pg/idempotency.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace gongtong::assessment {

google::protobuf::Timestamp NowTimestamp();

// Deterministic serialization (stable digests and fingerprints).
std::string Deterministic(const google::protobuf::Message& m);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

template <typename M>
M ParseBody(const pqxx::field& f) {
  pqxx::binarystring body(f);
  M m;
  m.ParseFromString(body.str());
  return m;
}

// ABORTED (reason ETAG_MISMATCH, field `field`) when `expected` is not empty
// and differs from the row's version.
absl::Status CheckEtag(const std::string& expected, int64_t version, const std::string& field = "etag");

// The first answer of an earlier call with w.request_id, or nullopt.
template <typename M>
absl::StatusOr<std::optional<M>> Replay(pqxx::transaction_base& tx, const SupportWrite& w) {
  auto first = pg::ClaimRequest(tx, w.method, w.request_id, w.fingerprint);
  if (!first.ok()) return first.status();
  if (!*first) return std::optional<M>();
  M answer;
  answer.ParseFromString(**first);
  return std::optional<M>(std::move(answer));
}
void RememberAnswer(pqxx::transaction_base& tx, const SupportWrite& w, const google::protobuf::Message& answer);

// Appends an assessment event to the outbox in `tx`.
void Publish(pqxx::transaction_base& tx, const std::string& aggregate_type, const std::string& aggregate_id,
             int64_t version, const google::protobuf::Message& payload, const std::string& correlation_id);

// Resource names.
std::string AssignmentName(const std::string& id);
std::string RecordName(const std::string& assignment_id, const std::string& record_id);
std::string SummaryName(const std::string& assignment_id, TermKind term);

}  // namespace gongtong::assessment
