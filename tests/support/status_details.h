#pragma once
// What a test reads from an error's google.rpc.Status details: the BadRequest
// field paths, the ErrorInfo reason and metadata, and any other detail
// message by type (e.g. booking's BookingConflictDetails).

#include <string>
#include <vector>

#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace gongtong::testing {

google::rpc::Status DetailsOf(const grpc::Status& s);
std::vector<std::string> Fields(const grpc::Status& s);
bool HasField(const grpc::Status& s, const std::string& field);
// The ErrorInfo reason and metadata value `key` ("" when absent).
std::string Reason(const grpc::Status& s);
std::string Meta(const grpc::Status& s, const std::string& key);

// The first detail of type M (default-constructed when absent).
template <typename M>
M Detail(const grpc::Status& s) {
  M out;
  const google::rpc::Status details = DetailsOf(s);  // the loop must not outlive it
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&out)) return out;
  }
  return M();
}

}  // namespace gongtong::testing
