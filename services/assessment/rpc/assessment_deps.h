#pragma once
// What every family of AssessmentService methods may use (not owned).

#include "common/config/config.h"
#include "common/pg/pool.h"
#include "common/redis/redis_client.h"
#include "common/server/rpc_edge.h"

namespace gongtong::assessment {

struct AssessmentDeps {
  RpcEdge* edge = nullptr;                  // authentication, executor, deadlines
  pg::Pool* pool = nullptr;                 // the assessment schema
  redis::ClientPool* redis_pool = nullptr;  // cache
  const config::Config* config = nullptr;
};

}  // namespace gongtong::assessment
