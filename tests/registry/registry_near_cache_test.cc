// The registry's near caches (registry/rpc/near_caches.h) with two replicas
// of the service on one PostgreSQL schema and one Redis, as in production:
// a replica reads its own write at once; the other replica keeps serving
// the old school and the old ListSchools page from memory until the write's
// event reaches it — and then never again.
#include <gtest/gtest.h>

#include <ctime>
#include <thread>

#include "common/events/outbox_relay.h"
#include "common/redis/redis_client.h"
#include "registry/storage/change_log.h"
#include "local_servers.h"
#include "registry_test_server.h"

namespace gongtong::registry {
namespace {

using namespace std::chrono_literals;
using gongtong::testing::LocalRedis;
using testing::Call;
using testing::RegistryServer;
using testing::Stub;

// A code no other test of the binary uses (the Redis cache and the event
// stream are shared by every test server of the binary).
std::string FreshCode() {
  static int base = static_cast<int>(std::time(nullptr) % 900000);
  static int n = 0;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", (base + 500 + n++) % 1000000);
  return buf;
}

// Stream ids "ms-seq", compared as numbers.
bool IdBefore(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& id) {
    const auto dash = id.find('-');
    return std::make_pair(std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1)));
  };
  return parts(a) < parts(b);
}

class NearCaches : public ::testing::Test {
 protected:
  RegistryServer a_{"regnear"};
  RegistryServer b_{RegistryServer::ReplicaOf{a_}};

  void SetUp() override {
    // Each replica's cache opens once its invalidator is on the stream.
    for (auto* server : {&a_, &b_}) {
      for (int i = 0; i < 200 && !server->near_caches().schools()->open(); ++i) std::this_thread::sleep_for(10ms);
      ASSERT_TRUE(server->near_caches().schools()->open());
    }
    rv1::CreateSchoolRequest req;
    auto* s = req.mutable_school();
    s->set_school_code(FreshCode());
    s->set_display_name("近缓存测试小学");
    s->set_region_code("331024");
    s->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    s->set_school_type_code("211");
    ASSERT_TRUE(Call(&Stub::CreateSchool, a_.stub(), req, &school_).ok());
    Publish();
  }

  // The outbox relay's work, done now: the events committed so far reach
  // the stream (and so every replica's invalidator).
  // Returns once both replicas have applied them, so what a test reads
  // afterwards cannot be undone by a late invalidation.
  void Publish() {
    events::OutboxRelay relay(&a_.pool(), LocalRedis::Shared().options());
    auto n = relay.PublishBatch();
    ASSERT_TRUE(n.ok()) << n.status();
    redis::Client client(LocalRedis::Shared().options());
    auto newest = client.Command({"XREVRANGE", kRegistryStream, "+", "-", "COUNT", "1"});
    ASSERT_TRUE(newest.ok() && !newest->elements.empty());
    const std::string id = newest->elements[0].elements[0].str;
    for (auto* server : {&a_, &b_}) {
      auto applied = [&] {
        const std::string through = server->near_caches().invalidator()->applied_through();
        return !through.empty() && !IdBefore(through, id);
      };
      for (int i = 0; i < 300 && !applied(); ++i) std::this_thread::sleep_for(10ms);
      ASSERT_TRUE(applied()) << "a replica did not apply the events within 3 s";
    }
  }

  std::string NameVia(RegistryServer& server) {
    rv1::GetSchoolRequest req;
    req.set_name(school_.name());
    rv1::School out;
    EXPECT_TRUE(Call(&Stub::GetSchool, server.stub(), req, &out).ok());
    return out.display_name();
  }

  std::string ListedNameVia(RegistryServer& server) {
    rv1::ListSchoolsRequest req;
    req.set_filter("display_name:\"近缓存测试\"");  // the only school of this schema
    rv1::ListSchoolsResponse out;
    EXPECT_TRUE(Call(&Stub::ListSchools, server.stub(), req, &out).ok());
    return out.schools_size() == 1 ? out.schools(0).display_name() : "<" + std::to_string(out.schools_size()) + ">";
  }

  void Rename(RegistryServer& server, const std::string& name) {
    rv1::UpdateSchoolRequest update;
    *update.mutable_school() = school_;
    update.mutable_school()->set_display_name(name);
    update.mutable_school()->clear_etag();
    update.mutable_update_mask()->add_paths("display_name");
    ASSERT_TRUE(Call(&Stub::UpdateSchool, server.stub(), update, &school_).ok());
  }

  // Polls `read` until it answers `want` (events are asynchronous).
  static bool Eventually(const std::function<std::string()>& read, const std::string& want) {
    for (int i = 0; i < 200; ++i) {
      if (read() == want) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  rv1::School school_;
};

TEST_F(NearCaches, AReplicaReadsItsOwnWriteAtOnce) {
  EXPECT_EQ(NameVia(a_), "近缓存测试小学");
  EXPECT_EQ(ListedNameVia(a_), "近缓存测试小学");
  const auto hits = a_.near_caches().schools()->stats().hits;
  EXPECT_EQ(NameVia(a_), "近缓存测试小学");
  EXPECT_EQ(a_.near_caches().schools()->stats().hits, hits + 1) << "the second read came from memory";
  Rename(a_, "近缓存测试小学（更名）");
  EXPECT_EQ(NameVia(a_), "近缓存测试小学（更名）");
  EXPECT_EQ(ListedNameVia(a_), "近缓存测试小学（更名）");
}

TEST_F(NearCaches, AnotherReplicaServesTheOldSchoolUntilTheEventArrivesThenTheNewOne) {
  EXPECT_EQ(NameVia(b_), "近缓存测试小学");  // B holds the school and the page in memory
  EXPECT_EQ(ListedNameVia(b_), "近缓存测试小学");
  Rename(a_, "近缓存测试小学（更名）");
  // Not published yet: B cannot know (this is the documented window).
  EXPECT_EQ(NameVia(b_), "近缓存测试小学");
  EXPECT_EQ(ListedNameVia(b_), "近缓存测试小学");
  Publish();
  EXPECT_TRUE(Eventually([&] { return NameVia(b_); }, "近缓存测试小学（更名）"));
  EXPECT_TRUE(Eventually([&] { return ListedNameVia(b_); }, "近缓存测试小学（更名）"));
  // And it stays new: nothing stale was copied back from Redis.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(NameVia(b_), "近缓存测试小学（更名）");
  EXPECT_EQ(ListedNameVia(b_), "近缓存测试小学（更名）");
}

TEST_F(NearCaches, DeletionReachesTheOtherReplicaToo) {
  EXPECT_EQ(NameVia(b_), "近缓存测试小学");
  rv1::DeleteSchoolRequest del;
  del.set_name(school_.name());
  rv1::School out;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, a_.stub(), del, &out).ok());
  Publish();
  EXPECT_TRUE(Eventually([&] { return ListedNameVia(b_); }, "<0>"));
  EXPECT_TRUE(Eventually(
      [&] {
        rv1::GetSchoolRequest req;
        req.set_name(school_.name());
        rv1::School got;
        EXPECT_TRUE(Call(&Stub::GetSchool, b_.stub(), req, &got).ok());
        return std::string(got.audit().has_delete_time() ? "deleted" : "live");
      },
      "deleted"));
}

}  // namespace
}  // namespace gongtong::registry
