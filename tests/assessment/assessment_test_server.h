#pragma once
// An in-process AssessmentService wired like services/assessment/main.cc
// (the whole chain of method families, the edge, the server runner) against
// the test binary's real PostgreSQL and Redis, on a fresh schema with every
// assessment migration applied; plus helpers to call it as a given role and
// to read the details of an error. Shared by the support, evaluation and
// party tests.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "assessment/rpc/assessment_service.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_minter.h"
#include "common/server/service_host.h"
#include "status_details.h"

namespace gongtong::assessment::testing {

using Stub = av1::AssessmentService::Stub;

class AssessmentServer {
 public:
  explicit AssessmentServer(const std::string& schema_prefix);
  ~AssessmentServer();

  Stub* stub() { return stub_.get(); }
  pg::Pool& pool() { return pool_; }
  const AssessmentDeps& deps() const { return deps_; }
  // The test binary's Redis (for publishing other services' events).
  redis::Options redis_options() const;
  // The single integer an SQL query returns, run in the server's schema.
  int64_t Count(const std::string& sql);

 private:
  pg::Pool pool_;
  redis::ClientPool redis_;
  auth::Authenticator authenticator_;
  BoundedExecutor executor_;
  RpcEdge edge_;
  AssessmentDeps deps_;
  std::unique_ptr<AssessmentServiceImpl> service_;
  std::unique_ptr<ServiceHost> host_;
  std::thread runner_;
  std::unique_ptr<Stub> stub_;
};

// Who calls: a role with its scope claims.
struct Caller {
  auth::Role role;
  std::string region, school, teacher;
};
inline const Caller kProvince{auth::Role::kProvinceAdmin, "", "", ""};

// A valid token for `caller` (the test binary's keys).
std::string Token(const Caller& caller);

// Calls a unary method as `caller` with a 10 s deadline.
template <typename Req, typename Resp>
grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), Stub* stub, const Req& req,
                  Resp* resp, const Caller& caller = kProvince) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ctx.AddMetadata("authorization", "Bearer " + Token(caller));
  return (stub->*method)(&ctx, req, resp);
}

// Error details (tests/support/status_details.h).
using gongtong::testing::Fields;
using gongtong::testing::HasField;
using gongtong::testing::Meta;
using gongtong::testing::Reason;

}  // namespace gongtong::assessment::testing
