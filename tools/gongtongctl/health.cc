#include "health.h"

#include "absl/strings/str_cat.h"
#include "call_context.h"
#include "exit_codes.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "status_details.h"

namespace gongtongctl {

using grpc::health::v1::HealthCheckResponse;

std::string ServingStatusName(int status) {
  if (HealthCheckResponse::ServingStatus_IsValid(status)) {
    return HealthCheckResponse::ServingStatus_Name(
        static_cast<HealthCheckResponse::ServingStatus>(status));
  }
  return absl::StrCat("STATUS_", status);
}

int RunHealth(const std::shared_ptr<grpc::Channel>& channel, const GlobalOptions& options,
              const std::string& service, std::ostream& out, std::ostream& err) {
  std::unique_ptr<grpc::health::v1::Health::Stub> stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  PrepareContext(options, &context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    err << FormatRpcError(status);
    return ExitCodeFor(status.error_code());
  }
  out << ServingStatusName(response.status()) << "\n";
  return response.status() == HealthCheckResponse::SERVING ? kExitOk : kExitFailed;
}

}  // namespace gongtongctl
