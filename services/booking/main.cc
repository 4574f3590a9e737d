// gongtong-booking: wiring only. Business RPCs arrive with issue 4; until
// then the skeleton answers UNIMPLEMENTED for each of them.
#include "common/server/skeleton_service.h"
#include "gongtong/booking/v1/booking_service.grpc.pb.h"

namespace gongtong::pg {
const std::vector<Migration>& BookingMigrations();
}  // namespace gongtong::pg

int main(int argc, char** argv) {
  gongtong::ServiceDefinition def;
  def.name = "booking";
  def.default_port = 50053;
  def.grpc_service = "gongtong.booking.v1.BookingService";
  def.migrations = &gongtong::pg::BookingMigrations();
  return gongtong::RunSkeletonService<gongtong::booking::v1::BookingService>(def, argc, argv);
}
