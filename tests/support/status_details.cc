#include "status_details.h"

#include <algorithm>

#include "google/rpc/error_details.pb.h"

namespace gongtong::testing {

google::rpc::Status DetailsOf(const grpc::Status& s) {
  google::rpc::Status details;
  details.ParseFromString(s.error_details());
  return details;
}

std::vector<std::string> Fields(const grpc::Status& s) {
  std::vector<std::string> out;
  const google::rpc::Status details = DetailsOf(s);  // the loop must not outlive it
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out.push_back(v.field());
    }
  }
  return out;
}

bool HasField(const grpc::Status& s, const std::string& field) {
  auto f = Fields(s);
  return std::find(f.begin(), f.end(), field) != f.end();
}

std::string Reason(const grpc::Status& s) { return Detail<google::rpc::ErrorInfo>(s).reason(); }

std::string Meta(const grpc::Status& s, const std::string& key) {
  const auto info = Detail<google::rpc::ErrorInfo>(s);
  auto it = info.metadata().find(key);
  return it == info.metadata().end() ? "" : it->second;
}

}  // namespace gongtong::testing
