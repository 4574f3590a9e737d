// Finding services, methods and messages in the compiled descriptors, and
// rendering them for `list` and `describe`.
#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"

namespace gongtongctl {

enum class CallKind { kUnary, kServerStreaming, kClientStreaming, kBidiStreaming };
CallKind KindOf(const google::protobuf::MethodDescriptor& method);
const char* CallKindName(CallKind kind);  // "unary", "server-streaming", ...

// "/package.Service/Method", the HTTP/2 path of a method.
std::string MethodPath(const google::protobuf::MethodDescriptor& method);

// A descriptor pool plus the proto files whose services are "ours".
class Catalog {
 public:
  // The generated pool with the files compiled into gongtong_proto.
  static Catalog Generated();

  Catalog(const google::protobuf::DescriptorPool* pool, const std::vector<std::string>& files);

  const google::protobuf::DescriptorPool& pool() const { return *pool_; }
  // Services of the listed files, in file order.
  const std::vector<const google::protobuf::ServiceDescriptor*>& services() const {
    return services_;
  }
  // Listed files the pool does not know (a link problem when non-empty).
  const std::vector<std::string>& missing_files() const { return missing_; }

  // Accepts "pkg.Service" or a unique simple name "Service".
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> FindService(
      absl::string_view name) const;

  // Accepts "pkg.Service/Method", "/pkg.Service/Method", "pkg.Service.Method",
  // "Service/Method" when the simple service name is unique, and a bare
  // "Method" when exactly one known service has it.
  absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(
      absl::string_view name) const;

  // `list`: every service (or just `only`) with its methods and streaming
  // markers.
  std::string List(const google::protobuf::ServiceDescriptor* only = nullptr) const;

  // `describe`: the proto definition of a service, method (with its request
  // and response messages), message or enum.
  absl::StatusOr<std::string> Describe(absl::string_view name) const;

 private:
  const google::protobuf::Descriptor* FindMessageBySimpleName(absl::string_view name) const;

  const google::protobuf::DescriptorPool* pool_;
  std::vector<const google::protobuf::FileDescriptor*> files_;
  std::vector<const google::protobuf::ServiceDescriptor*> services_;
  std::vector<std::string> missing_;
};

}  // namespace gongtongctl
