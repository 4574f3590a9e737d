#include "common/status/extra_detail.h"

#include "common/status/error.h"
#include "google/rpc/status.pb.h"

namespace gongtong {

absl::Status WithDetail(absl::Status status, const google::protobuf::Message& detail) {
  if (status.ok()) return status;
  google::rpc::Status details;
  if (auto payload = status.GetPayload(kDetailsPayloadUrl)) details.ParseFromString(std::string(*payload));
  details.add_details()->PackFrom(detail);
  status.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

}  // namespace gongtong
