// `health`: grpc.health.v1.Health/Check against --addr.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <grpcpp/channel.h>

#include "args.h"

namespace gongtongctl {

// "SERVING", "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN", ...
std::string ServingStatusName(int status);

// Checks `service` ("" = the whole server; the suite's servers also report
// e.g. "postgres", "redis"). Prints the serving status on `out` and returns
// kExitOk iff SERVING, kExitFailed otherwise; an RPC error goes to `err`
// with its code (kExitTransport for UNAVAILABLE / DEADLINE_EXCEEDED).
int RunHealth(const std::shared_ptr<grpc::Channel>& channel, const GlobalOptions& options,
              const std::string& service, std::ostream& out, std::ostream& err);

}  // namespace gongtongctl
