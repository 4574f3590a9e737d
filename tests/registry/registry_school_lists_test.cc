// ListSchools through the page cache (registry/storage/school_list_cache.h),
// against real PostgreSQL and Redis: pages are cached, and every write —
// create, update, delete, undelete — is visible in the very next listing;
// callers of different scopes never share a page; a page loaded before a
// write is never served after it.
#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include "common/redis/redis_client.h"
#include "local_servers.h"
#include "registry/storage/school_list_cache.h"
#include "registry_test_server.h"

namespace gongtong::registry {
namespace {

using gongtong::testing::LocalRedis;
using testing::Call;
using testing::Caller;
using testing::kProvince;
using testing::RegistryServer;
using testing::Stub;

std::string Code(int n) {
  static int base = static_cast<int>(std::time(nullptr) % 900000);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", (base + n) % 1000000);
  return buf;
}

class SchoolLists : public ::testing::Test {
 protected:
  RegistryServer server_{"reglist"};
  Stub* stub() { return server_.stub(); }

  rv1::School Create(const std::string& code, const std::string& region) {
    rv1::CreateSchoolRequest req;
    auto* s = req.mutable_school();
    s->set_school_code(code);
    s->set_display_name("缓存测试小学" + code.substr(6));
    s->set_region_code(region);
    s->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    s->set_school_type_code("211");
    rv1::School out;
    EXPECT_TRUE(Call(&Stub::CreateSchool, stub(), req, &out).ok());
    return out;
  }

  // Every school code of a listing, page by page (page_size 2).
  std::vector<std::string> ListAll(const std::string& filter, const Caller& caller = kProvince,
                                   int* total = nullptr) {
    rv1::ListSchoolsRequest req;
    req.set_filter(filter);
    req.set_page_size(2);
    std::vector<std::string> codes;
    rv1::ListSchoolsResponse resp;
    do {
      resp.Clear();
      grpc::Status st = Call(&Stub::ListSchools, stub(), req, &resp, caller);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      if (total != nullptr && req.page_token().empty()) *total = resp.total_size();
      for (const auto& s : resp.schools()) codes.push_back(s.school_code() + "|" + s.display_name());
      req.set_page_token(resp.next_page_token());
    } while (!resp.next_page_token().empty());
    return codes;
  }

  int64_t CachedPages() {
    redis::ClientPool redis(LocalRedis::Shared().options(), 1);
    auto client = redis.Acquire();
    auto keys = client->Command({"KEYS", "gongtong:registry:school-lists:" + server_.pool().schema() + ":*:*"});
    return keys.ok() ? static_cast<int64_t>(keys->elements.size()) : -1;
  }
};

TEST_F(SchoolLists, PagesAreCachedAndEveryWriteShowsInTheNextListing) {
  const std::string region = "331082";
  for (int i = 0; i < 5; ++i) Create(Code(i), region);
  const std::string filter = "region_code:\"" + region + "\"";
  int total = 0;
  const auto first = ListAll(filter, kProvince, &total);
  EXPECT_EQ(first.size(), 5u);
  EXPECT_EQ(total, 5);
  EXPECT_GE(CachedPages(), 3) << "each of the 3 pages is cached";
  EXPECT_EQ(ListAll(filter), first) << "the cached walk answers the same pages, tokens included";

  // Create: the new school is in the next listing, and the total counts it.
  rv1::School added = Create(Code(5), region);
  auto after_create = ListAll(filter, kProvince, &total);
  EXPECT_EQ(after_create.size(), 6u);
  EXPECT_EQ(total, 6);

  // Update: the new name, not the cached one.
  rv1::UpdateSchoolRequest update;
  *update.mutable_school() = added;
  update.mutable_school()->set_display_name("更名后的缓存测试小学");
  update.mutable_update_mask()->add_paths("display_name");
  rv1::School out;
  ASSERT_TRUE(Call(&Stub::UpdateSchool, stub(), update, &out).ok());
  auto after_update = ListAll(filter);
  EXPECT_NE(std::find(after_update.begin(), after_update.end(), added.school_code() + "|更名后的缓存测试小学"),
            after_update.end());

  // Delete and undelete.
  rv1::DeleteSchoolRequest del;
  del.set_name(added.name());
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del, &out).ok());
  EXPECT_EQ(ListAll(filter).size(), 5u);
  rv1::UndeleteSchoolRequest undelete;
  undelete.set_name(added.name());
  ASSERT_TRUE(Call(&Stub::UndeleteSchool, stub(), undelete, &out).ok());
  EXPECT_EQ(ListAll(filter).size(), 6u);
}

TEST_F(SchoolLists, CallersOfDifferentScopesNeverShareAPage) {
  Create(Code(10), "331083");
  Create(Code(11), "331084");
  const std::string filter = "region_code:\"3310\"";
  const auto province = ListAll(filter);
  const Caller county{auth::Role::kCountyBureau, "331083", ""};
  const auto county_view = ListAll(filter, county);
  EXPECT_GE(province.size(), 2u);
  ASSERT_EQ(county_view.size(), 1u) << "the same request text, answered within the county's prefix";
  EXPECT_EQ(county_view[0].substr(0, 10), Code(10));
  EXPECT_EQ(ListAll(filter), province) << "and the province's cached page is still its own";
}

TEST_F(SchoolLists, APageLoadedBeforeAWriteIsNeverServedAfterIt) {
  redis::ClientPool redis(LocalRedis::Shared().options(), 1);
  const std::string schema = "list_cache_race_" + std::to_string(std::time(nullptr));
  SchoolListCache cache(&redis, std::chrono::seconds(60), schema);
  std::string generation;
  EXPECT_FALSE(cache.Lookup("q", &generation).has_value());
  ASSERT_FALSE(generation.empty());
  // ...the page is read from PostgreSQL while a writer commits and bumps...
  ASSERT_TRUE(SchoolListsChanged(redis, schema).ok());
  CachedSchoolPage stale;
  stale.schools_wire = "stale";
  cache.Store("q", generation, stale);
  std::string now;
  EXPECT_FALSE(cache.Lookup("q", &now).has_value()) << "stored under the old generation: never read";
  EXPECT_NE(now, generation);
  CachedSchoolPage fresh;
  fresh.schools_wire = "fresh";
  fresh.last_key = {"2133000001"};
  fresh.more = true;
  fresh.total = 7;
  cache.Store("q", now, fresh);
  auto hit = cache.Lookup("q", &now);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->schools_wire, "fresh");
  EXPECT_EQ(hit->last_key, fresh.last_key);
  EXPECT_TRUE(hit->more);
  EXPECT_EQ(hit->total, 7);
}

TEST(SchoolListEntry, DecodesOnlyItsOwnQueryAndWholeEntries) {
  CachedSchoolPage page;
  page.schools_wire = std::string("\x0a\x02\x08\x01", 4);
  page.last_key = {"仙居", "2133102401"};
  page.total = -1;
  const std::string bytes = EncodeCachedSchoolPage("filter=a", page);
  auto back = DecodeCachedSchoolPage("filter=a", bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->schools_wire, page.schools_wire);
  EXPECT_EQ(back->last_key, page.last_key);
  EXPECT_FALSE(back->more);
  EXPECT_EQ(back->total, -1);
  EXPECT_FALSE(DecodeCachedSchoolPage("filter=b", bytes).has_value()) << "a hash collision is a miss";
  EXPECT_FALSE(DecodeCachedSchoolPage("filter=a", bytes.substr(0, 10)).has_value()) << "a truncated entry is a miss";
}

}  // namespace
}  // namespace gongtong::registry
