// Who may do what (issue 4 "Access"; the Callers of the booking requests):
// each role against each check, one row per case, so each role meets its wall.
#include <gtest/gtest.h>

#include <algorithm>

#include "booking/domain/booking_access.h"
#include "common/status/error.h"

namespace gongtong::booking {

std::string ZhOf(const absl::Status& s);  // session_rules_test.cc

namespace {

using auth::Principal;
using auth::Role;

// Host: 仙居县 school 3310240001 (region 331024), teacher wang-li. Receiver:
// 临海市 school 3310820002 (region 331082).
constexpr char kHostSchool[] = "3310240001";
constexpr char kHostRegion[] = "331024";
constexpr char kReceiverSchool[] = "3310820002";
constexpr char kReceiverRegion[] = "331082";
constexpr char kHostTeacher[] = "teachers/wang-li";

Principal P(Role role, std::string region = "", std::string school = "", std::string teacher = "") {
  Principal p;
  p.subject = "u";
  p.role = role;
  p.region_prefix = std::move(region);
  p.school_code = std::move(school);
  p.teacher_id = std::move(teacher);
  return p;
}

enum class Check { kBook, kOverride, kAnswer, kCancel, kRecord, kRead, kPolicy, kCapacity };

absl::Status RunCheck(Check c, const Principal& p) {
  const SessionParties parties{kHostSchool, kHostRegion, kHostTeacher, {kReceiverSchool}, {kReceiverRegion}};
  switch (c) {
    case Check::kBook: return CanBookAsHost(p, kHostSchool, kHostRegion);
    case Check::kOverride: return CanOverrideBellSchedule(p, kHostSchool, kHostRegion);
    case Check::kAnswer: return CanAnswerAsReceiver(p, kReceiverSchool);
    case Check::kCancel: return CanCancel(p, kHostSchool, kHostRegion);
    case Check::kRecord: return CanRecordDelivery(p, kHostSchool, kHostRegion, kHostTeacher);
    case Check::kRead: return CanReadSession(p, parties);
    case Check::kPolicy: return CanUpdatePolicy(p, kHostRegion);
    case Check::kCapacity: return CanUpdateCapacity(p, kHostRegion);
  }
  return absl::InternalError("unreachable");
}

struct AccessRow {
  const char* who;
  Principal principal;
  // Allowed checks; every other check must be PERMISSION_DENIED.
  std::vector<Check> allowed;
};
void PrintTo(const AccessRow& r, std::ostream* os) { *os << r.who; }

class AccessTest : public ::testing::TestWithParam<AccessRow> {};

TEST_P(AccessTest, EachCheck) {
  const AccessRow& r = GetParam();
  for (Check c : {Check::kBook, Check::kOverride, Check::kAnswer, Check::kCancel, Check::kRecord, Check::kRead,
                  Check::kPolicy, Check::kCapacity}) {
    SCOPED_TRACE(static_cast<int>(c));
    const absl::Status s = RunCheck(c, r.principal);
    if (std::find(r.allowed.begin(), r.allowed.end(), c) != r.allowed.end()) {
      EXPECT_TRUE(s.ok()) << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
      EXPECT_EQ(ReasonOf(s), "PERMISSION_DENIED");
      EXPECT_FALSE(ZhOf(s).empty());
    }
  }
}

using C = Check;
INSTANTIATE_TEST_SUITE_P(
    Roles, AccessTest,
    ::testing::Values(
        AccessRow{"province admin: all but answering for a receiving school", P(Role::kProvinceAdmin),
                  {C::kBook, C::kOverride, C::kCancel, C::kRecord, C::kRead, C::kPolicy, C::kCapacity}},
        AccessRow{"service: reads only", P(Role::kService), {C::kRead}},
        AccessRow{"host's county bureau", P(Role::kCountyBureau, kHostRegion),
                  {C::kBook, C::kOverride, C::kCancel, C::kRecord, C::kRead, C::kPolicy, C::kCapacity}},
        AccessRow{"prefecture bureau above the host", P(Role::kCountyBureau, "3310"),
                  {C::kBook, C::kOverride, C::kCancel, C::kRecord, C::kRead, C::kPolicy, C::kCapacity}},
        AccessRow{"receiver's county bureau: reads, nothing else", P(Role::kCountyBureau, kReceiverRegion), {C::kRead}},
        AccessRow{"an unrelated county bureau: nothing", P(Role::kCountyBureau, "330102"), {}},
        AccessRow{"host school admin: books and cancels, does not answer as receiver",
                  P(Role::kSchoolAdmin, "", kHostSchool), {C::kBook, C::kOverride, C::kCancel, C::kRecord, C::kRead}},
        AccessRow{"receiving school admin: answers and reads, never cancels",
                  P(Role::kSchoolAdmin, "", kReceiverSchool), {C::kAnswer, C::kRead}},
        AccessRow{"another school's admin: nothing", P(Role::kSchoolAdmin, "", "3310240099"), {}},
        AccessRow{"host teacher: records her delivery and reads", P(Role::kTeacher, "", kHostSchool, "wang-li"),
                  {C::kRecord, C::kRead}},
        AccessRow{"another teacher of the host school: reads only", P(Role::kTeacher, "", kHostSchool, "li-na"),
                  {C::kRead}},
        AccessRow{"teacher of the receiving school: reads only", P(Role::kTeacher, "", kReceiverSchool, "zhao-min"),
                  {C::kRead}},
        AccessRow{"teacher of an uninvolved school: nothing", P(Role::kTeacher, "", "3310240099", "wang-li"), {}},
        AccessRow{"township head: nothing", P(Role::kTownshipHead, "331024101"), {}}));

TEST(AccessRegionTest, CountyReadsWhenAnyReceiverIsInItsRegion) {
  const SessionParties parties{kHostSchool, kHostRegion, kHostTeacher, {"3310240001", "3302120005"}, {kHostRegion, "330212"}};
  EXPECT_TRUE(CanReadSession(P(Role::kCountyBureau, "330212"), parties).ok());
  EXPECT_EQ(CanReadSession(P(Role::kCountyBureau, "330213"), parties).code(), absl::StatusCode::kPermissionDenied);
}

TEST(AccessRegionTest, CapacityOfAnotherRegionIsRefusedToACounty) {
  EXPECT_EQ(CanUpdateCapacity(P(Role::kCountyBureau, kHostRegion), kReceiverRegion).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CanUpdateCapacity(P(Role::kProvinceAdmin), kReceiverRegion).ok());
}

}  // namespace
}  // namespace gongtong::booking
