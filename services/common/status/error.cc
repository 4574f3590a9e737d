#include "common/status/error.h"

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong {

ErrorBuilder::ErrorBuilder(absl::StatusCode code, std::string reason)
    : code_(code), reason_(std::move(reason)) {}

ErrorBuilder& ErrorBuilder::Message(std::string message) {
  message_ = std::move(message);
  return *this;
}
ErrorBuilder& ErrorBuilder::Zh(std::string message) {
  zh_ = std::move(message);
  return *this;
}
ErrorBuilder& ErrorBuilder::Field(std::string field, std::string description) {
  fields_.emplace_back(std::move(field), std::move(description));
  return *this;
}
ErrorBuilder& ErrorBuilder::Meta(std::string key, std::string value) {
  meta_.emplace_back(std::move(key), std::move(value));
  return *this;
}

absl::Status ErrorBuilder::Build() const {
  std::string message = message_;
  if (message.empty()) {
    message = reason_;
    for (const auto& [field, description] : fields_) message += "; " + field + ": " + description;
  }
  absl::Status status(code_, message);
  google::rpc::Status details;
  google::rpc::ErrorInfo info;
  info.set_reason(reason_);
  info.set_domain(kErrorDomain);
  for (const auto& [key, value] : meta_) (*info.mutable_metadata())[key] = value;
  details.add_details()->PackFrom(info);
  if (!fields_.empty()) {
    google::rpc::BadRequest bad;
    for (const auto& [field, description] : fields_) {
      auto* v = bad.add_field_violations();
      v->set_field(field);
      v->set_description(description);
    }
    details.add_details()->PackFrom(bad);
  }
  if (!zh_.empty()) {
    google::rpc::LocalizedMessage zh;
    zh.set_locale("zh-CN");
    zh.set_message(zh_);
    details.add_details()->PackFrom(zh);
  }
  status.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description, std::string zh,
                          std::string reason) {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, std::move(reason))
      .Message(field + ": " + description)
      .Zh(std::move(zh))
      .Field(std::move(field), std::move(description));
}

std::string ReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kDetailsPayloadUrl);
  if (!payload) return "";
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace gongtong
