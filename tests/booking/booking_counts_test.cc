// ListPairingDeliveryCounts against real PostgreSQL, Redis and a real
// registry process: every pairing of the scope with its counts (R-SYNC-5),
// zeros for pairings without sessions, a session counted once per pairing,
// filters, paging, bad input and access.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "booking/domain/delivery_counts.h"
#include "booking_world.h"

namespace gongtong::booking::testing {
namespace {

using S = BookingStub;

BookingWorld& W() { return BookingWorld::Shared(); }

constexpr char kP02[] = "communities/xj/pairings/p-02";
constexpr char kP03[] = "communities/xj/pairings/p-03";

grpc::Status Counts(bv1::ListPairingDeliveryCountsResponse* out, const Caller& who = kProvince,
                    const std::string& filter = "", const std::string& order_by = "", int page_size = 0,
                    const std::string& token = "", int year = 0) {
  bv1::ListPairingDeliveryCountsRequest req;
  const absl::CivilDay day = W().SchoolDay(10, 20);
  req.set_school_year(year != 0 ? year : SchoolYearOf(day));
  req.set_filter(filter);
  req.set_order_by(order_by);
  req.set_page_size(page_size);
  req.set_page_token(token);
  return Call(&S::ListPairingDeliveryCounts, W().booking(), req, out, who);
}

const bv1::PairingDeliveryCount* Of(const bv1::ListPairingDeliveryCountsResponse& r, const std::string& pairing) {
  for (const auto& c : r.counts()) {
    if (c.pairing() == pairing) return &c;
  }
  return nullptr;
}

TEST(ListPairingDeliveryCounts, EveryPairingCountedOncePerSession) {
  const absl::CivilDay day = W().SchoolDay(10, 20);
  // Nothing booked yet: both pairings with zeros.
  bv1::ListPairingDeliveryCountsResponse resp;
  grpc::Status s = Counts(&resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.total_size(), 2);
  ASSERT_NE(Of(resp, kP02), nullptr);
  EXPECT_EQ(Of(resp, kP02)->upcoming(), 0);
  EXPECT_EQ(Of(resp, kP02)->core_school(), absl::StrCat("schools/", kHost));
  // One session to two classes of 对垟 counts once; a cancelled one as cancelled.
  bv1::CreateSessionRequest req;
  *req.mutable_session() =
      SessionAt(day, 3, "t-host-1", "rec-2", "c1", {std::string(kMember2) + "/c1", std::string(kMember2) + "/c2"});
  bv1::Session booked;
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), req, &booked, HostAdmin()).ok());
  *req.mutable_session() = SessionAt(day, 4, "t-host-1", "rec-1", "c1", {std::string(kMember2) + "/c3"});
  bv1::Session second;
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), req, &second, HostAdmin()).ok());
  bv1::CancelSessionRequest cancel;
  cancel.set_name(second.name());
  cancel.set_reason_code(bv1::CANCELLATION_REASON_HOST_REQUEST);
  cancel.set_reason("改期");
  bv1::Session cancelled;
  ASSERT_TRUE(Call(&S::CancelSession, W().booking(), cancel, &cancelled, HostAdmin()).ok());
  ASSERT_TRUE(Counts(&resp).ok());
  ASSERT_NE(Of(resp, kP02), nullptr);
  EXPECT_EQ(Of(resp, kP02)->upcoming(), 1);
  EXPECT_EQ(Of(resp, kP02)->cancelled(), 1);
  EXPECT_EQ(Of(resp, kP02)->delivered(), 0);
  ASSERT_NE(Of(resp, kP03), nullptr);
  EXPECT_EQ(Of(resp, kP03)->upcoming(), 0);
  // Another school year: zeros everywhere, pairings still listed.
  ASSERT_TRUE(Counts(&resp, kProvince, "", "", 0, "", SchoolYearOf(day) - 3).ok());
  EXPECT_EQ(resp.total_size(), 2);
  EXPECT_EQ(Of(resp, kP02)->cancelled(), 0);
  // Filters and paging.
  ASSERT_TRUE(Counts(&resp, kProvince, absl::StrCat("school = \"schools/", kMember3, "\"")).ok());
  ASSERT_EQ(resp.counts_size(), 1);
  EXPECT_EQ(resp.counts(0).pairing(), kP03);
  ASSERT_TRUE(Counts(&resp, kProvince, "delivered < 100", "pairing desc", 1).ok());
  ASSERT_EQ(resp.counts_size(), 1);
  EXPECT_EQ(resp.counts(0).pairing(), kP03);
  ASSERT_FALSE(resp.next_page_token().empty());
  const std::string token = resp.next_page_token();
  ASSERT_TRUE(Counts(&resp, kProvince, "delivered < 100", "pairing desc", 1, token).ok());
  ASSERT_EQ(resp.counts_size(), 1);
  EXPECT_EQ(resp.counts(0).pairing(), kP02);
  EXPECT_TRUE(resp.next_page_token().empty());
  ASSERT_TRUE(Counts(&resp, kProvince, "delivered >= 100").ok());
  EXPECT_EQ(resp.total_size(), 0);
}

TEST(ListPairingDeliveryCounts, ScopesAndBadInput) {
  bv1::ListPairingDeliveryCountsResponse resp;
  // A member school sees its own pairing; the outsider none; a teacher nothing at all.
  ASSERT_TRUE(Counts(&resp, SchoolAdmin(kMember3)).ok());
  ASSERT_EQ(resp.counts_size(), 1);
  EXPECT_EQ(resp.counts(0).pairing(), kP03);
  ASSERT_TRUE(Counts(&resp, SchoolAdmin(kOutsider)).ok());
  EXPECT_EQ(resp.counts_size(), 0);
  ASSERT_TRUE(Counts(&resp, County()).ok());
  EXPECT_EQ(resp.counts_size(), 2);
  ASSERT_TRUE(Counts(&resp, County("110000")).ok());
  EXPECT_EQ(resp.counts_size(), 0);
  EXPECT_EQ(Counts(&resp, TeacherOf(kHost, "t-host-1")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  struct Row {
    std::string what, filter, order_by;
    int page_size, year;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"no school year", "", "", 0, -1, "school_year"},
      {"unknown filter field", "teacher = \"teachers/t\"", "", 0, 0, "filter"},
      {"delivered not a number", "delivered < many", "", 0, 0, "filter"},
      {"unknown order", "", "subject", 0, 0, "order_by"},
      {"negative page size", "", "", -1, 0, "page_size"},
  };
  for (const auto& row : rows) {
    grpc::Status s = Counts(&resp, kProvince, row.filter, row.order_by, row.page_size, "", row.year);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << row.what;
    EXPECT_TRUE(HasField(s, row.field)) << row.what << ": " << s.error_message();
  }
  grpc::Status s = Counts(&resp, kProvince, "", "", 0, "garbage");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "page_token"));
}

}  // namespace
}  // namespace gongtong::booking::testing
