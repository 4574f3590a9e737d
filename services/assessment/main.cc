// gongtong-assessment: wiring only. Business RPCs arrive with issue 5; until
// then the skeleton answers UNIMPLEMENTED for each of them.
#include "common/server/skeleton_service.h"
#include "gongtong/assessment/v1/assessment_service.grpc.pb.h"

namespace gongtong::pg {
const std::vector<Migration>& AssessmentMigrations();
}  // namespace gongtong::pg

int main(int argc, char** argv) {
  gongtong::ServiceDefinition def;
  def.name = "assessment";
  def.default_port = 50054;
  def.grpc_service = "gongtong.assessment.v1.AssessmentService";
  def.migrations = &gongtong::pg::AssessmentMigrations();
  return gongtong::RunSkeletonService<gongtong::assessment::v1::AssessmentService>(def, argc, argv);
}
