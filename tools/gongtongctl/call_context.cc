#include "call_context.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace gongtongctl {

std::shared_ptr<grpc::Channel> MakeChannel(const GlobalOptions& options) {
  grpc::ChannelArguments args;
  // Bulk exports can be large; the server still enforces its own limits.
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetString(GRPC_ARG_PRIMARY_USER_AGENT_STRING, "gongtongctl");
  return grpc::CreateCustomChannel(options.addr, grpc::InsecureChannelCredentials(), args);
}

std::chrono::system_clock::time_point DeadlineFrom(const GlobalOptions& options,
                                                   std::chrono::system_clock::time_point now) {
  auto timeout = std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double>(options.timeout_seconds));
  return now + timeout;
}

void PrepareContext(const GlobalOptions& options, grpc::ClientContext* context) {
  context->set_deadline(DeadlineFrom(options, std::chrono::system_clock::now()));
  if (!options.token.empty()) {
    context->AddMetadata(kAuthorizationHeader, "Bearer " + options.token);
  }
  if (!options.request_id.empty()) {
    context->AddMetadata(kRequestIdHeader, options.request_id);
  }
}

}  // namespace gongtongctl
