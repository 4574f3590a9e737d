#pragma once
// An in-process RegistryService wired like services/registry/main.cc (every
// store, the cache, the edge, the server runner) against the test binary's
// real PostgreSQL and Redis, on a fresh schema; plus helpers to call it as a
// given role and to read the field violations of an error.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/auth/authenticator.h"
#include "common/auth/jwt_minter.h"
#include "common/server/service_host.h"
#include "registry/rpc/near_caches.h"
#include "registry/rpc/registry_service.h"
// By its path: gongtongctl_test also sees tools/gongtongctl/status_details.h.
#include "../support/status_details.h"

namespace gongtong::registry::testing {

using Stub = rv1::RegistryService::Stub;

class RegistryServer {
 public:
  explicit RegistryServer(const std::string& schema_prefix);
  // A second replica of `first`: the same schema (already migrated), its
  // own caches — near caches are per process, as in production.
  struct ReplicaOf {
    const RegistryServer& first;
  };
  explicit RegistryServer(ReplicaOf replica);
  ~RegistryServer();

  Stub* stub() { return stub_.get(); }
  pg::Pool& pool() { return pool_; }
  // The port it listens on (127.0.0.1), for clients other than stub().
  int port() const { return host_->port(); }
  // The single integer an SQL query returns, run in the server's schema.
  int64_t Count(const std::string& sql);
  // This replica's near caches (as main.cc wires them, default ttl).
  RegistryNearCaches& near_caches() { return *near_; }
  // "<aggregate_type>:<event message>" of the outbox events about resource
  // `name`, oldest first, e.g. "teacher:TeacherChanged".
  std::vector<std::string> EventTypes(const std::string& name);

 private:
  RegistryServer(const std::string& schema, bool migrate);

  pg::Pool pool_;
  redis::ClientPool redis_;
  cache::ReadThroughCache cache_;
  std::unique_ptr<RegistryNearCaches> near_;
  auth::Authenticator authenticator_;
  BoundedExecutor executor_;
  RpcEdge edge_;
  SchoolStore schools_;
  ChangeFeed feed_;
  CommunityStore communities_;
  CalendarStore calendars_;
  RosterStore roster_;
  PartyStore party_;
  JointBuildingStore joint_buildings_;
  StudioStore studios_;
  std::unique_ptr<RegistryServiceImpl> service_;
  std::unique_ptr<ServiceHost> host_;
  std::thread runner_;
  std::unique_ptr<Stub> stub_;
};

// Who calls: a role with its scope claims.
struct Caller {
  auth::Role role;
  std::string region, school;
};
inline const Caller kProvince{auth::Role::kProvinceAdmin, "", ""};

// A valid token for `caller` (the test binary's keys).
std::string Token(const Caller& caller);

// Calls a unary method as `caller` with a 10 s deadline.
template <typename Req, typename Resp>
grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), Stub* stub,
                  const Req& req, Resp* resp, const Caller& caller = kProvince) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ctx.AddMetadata("authorization", "Bearer " + Token(caller));
  return (stub->*method)(&ctx, req, resp);
}

// The outcome of one ImportRows stream: its status, every row result and
// the summary.
struct ImportRun {
  grpc::Status status;
  std::vector<rv1::RowResult> results;
  rv1::ImportSummary summary;
};
// Streams `header`, then `rows` in batches of `batch_size` (row numbers 2,
// 3, … as after a CSV header line), reading each batch's result, then the
// summary; as `caller`, 120 s deadline.
ImportRun Import(Stub* stub, const rv1::ImportHeader& header, const std::vector<std::string>& rows,
                 const Caller& caller = kProvince, int batch_size = 500);
// The same on a context the caller prepared (credentials, deadline); with
// `cut_after` ≥ 0 the client cancels the call after that many batch results,
// as a client that crashed mid-import.
ImportRun StreamImport(grpc::ClientContext* ctx, Stub* stub, const rv1::ImportHeader& header,
                       const std::vector<std::string>& rows, int batch_size, int cut_after = -1);

// Error details (tests/support/status_details.h).
using gongtong::testing::Fields;
using gongtong::testing::HasField;

}  // namespace gongtong::registry::testing
