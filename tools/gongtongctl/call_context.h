// The channel and per-call context every RPC of gongtongctl uses: plaintext
// channel to --addr, deadline from --timeout, and the metadata the suite's
// services read (authorization, x-request-id).
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "args.h"

namespace gongtongctl {

inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kRequestIdHeader[] = "x-request-id";

// An insecure (plaintext) channel to options.addr; TLS is not supported yet.
std::shared_ptr<grpc::Channel> MakeChannel(const GlobalOptions& options);

// The absolute deadline for a call started at `now` (gRPC 1.51 deadlines are
// std::chrono::system_clock time points).
std::chrono::system_clock::time_point DeadlineFrom(
    const GlobalOptions& options, std::chrono::system_clock::time_point now);

// Sets the deadline, "authorization: Bearer <token>" when a token is set, and
// "x-request-id" when one was given.
void PrepareContext(const GlobalOptions& options, grpc::ClientContext* context);

}  // namespace gongtongctl
