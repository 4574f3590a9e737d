#pragma once
// Row helpers shared by the evaluation and Party stores: a message from a
// bytea column, the error of a stale etag, the time of a change.

#include <ctime>
#include <string>

#include <pqxx/binarystring>
#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "common/status/error.h"
#include "google/protobuf/timestamp.pb.h"

namespace gongtong::assessment {

template <typename M>
M ParseBody(const pqxx::field& f) {
  pqxx::binarystring b(f);
  M m;
  m.ParseFromArray(b.data(), static_cast<int>(b.size()));
  return m;
}

// ABORTED "ETAG_MISMATCH" naming `etag`.
inline absl::Status StaleEtag(const std::string& etag, const std::string& current) {
  return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
      .Message("etag " + etag + " is stale (current " + current + ")")
      .Zh("记录已被修改，请刷新后重试")
      .Field("etag", "stale");
}

// Now, to the second (audit update and delete times).
inline google::protobuf::Timestamp NowSeconds() {
  google::protobuf::Timestamp t;
  t.set_seconds(static_cast<int64_t>(std::time(nullptr)));
  return t;
}

}  // namespace gongtong::assessment
