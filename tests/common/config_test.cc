// Configuration: precedence, validation, and every bad value reported at once.
#include <gtest/gtest.h>

#include "common/config/config.h"

namespace gongtong::config {
namespace {

std::vector<Key> Keys() {
  return {
      Key{"listen", "0.0.0.0:50051", false, "listen address", HostPort()},
      Key{"pg_dsn", "", true, "database", NonEmpty(), /*secret=*/true},
      Key{"workers", "16", false, "threads", IntIn(1, 1024)},
      Key{"log_level", "info", false, "level", OneOf({"debug", "info", "warn", "error"})},
  };
}

TEST(Config, DefaultsEnvironmentAndFlagsInThatPrecedence) {
  auto c = Config::Load(Keys(), {"--workers=8"},
                        {{"GONGTONG_PG_DSN", "host=db"}, {"GONGTONG_WORKERS", "4"},
                         {"GONGTONG_LOG_LEVEL", "debug"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->Get("listen"), "0.0.0.0:50051");  // default
  EXPECT_EQ(c->Get("log_level"), "debug");       // environment
  EXPECT_EQ(c->GetInt("workers"), 8);            // flag beats environment
  EXPECT_EQ(c->Get("pg_dsn"), "host=db");
}

TEST(Config, DashesInFlagNamesAreAccepted) {
  auto c = Config::Load(Keys(), {"--pg-dsn=host=x"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->Get("pg_dsn"), "host=x");
}

struct BadRow {
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::string expected_fragment;
};

class ConfigRejects : public ::testing::TestWithParam<BadRow> {};

TEST_P(ConfigRejects, WithAMessageNamingFlagAndVariable) {
  auto c = Config::Load(Keys(), GetParam().args, GetParam().env);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(GetParam().expected_fragment), std::string::npos) << c.status();
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ConfigRejects,
    ::testing::Values(
        BadRow{{}, {}, "--pg_dsn / GONGTONG_PG_DSN: required"},
        BadRow{{"--workers=0"}, {{"GONGTONG_PG_DSN", "x"}}, "--workers / GONGTONG_WORKERS: '0' must be an integer from 1 to 1024"},
        BadRow{{"--workers=lots"}, {{"GONGTONG_PG_DSN", "x"}}, "'lots' must be an integer"},
        BadRow{{}, {{"GONGTONG_PG_DSN", "x"}, {"GONGTONG_LISTEN", "localhost"}}, "must be host:port"},
        BadRow{{"--listen=h:70000"}, {{"GONGTONG_PG_DSN", "x"}}, "port from 1 to 65535"},
        BadRow{{"--log_level=loud"}, {{"GONGTONG_PG_DSN", "x"}}, "must be one of: debug, info, warn, error"},
        BadRow{{"--colour=blue"}, {{"GONGTONG_PG_DSN", "x"}}, "unknown flag --colour"},
        BadRow{{"workers=3"}, {{"GONGTONG_PG_DSN", "x"}}, "expected --name=value"},
        BadRow{{"--pg_dsn="}, {}, "GONGTONG_PG_DSN: value must not be empty"}));

TEST(Config, ReportsEveryBadValueAtOnce) {
  auto c = Config::Load(Keys(), {"--workers=-1", "--log_level=x"}, {});
  ASSERT_FALSE(c.ok());
  std::string m(c.status().message());
  EXPECT_NE(m.find("GONGTONG_PG_DSN"), std::string::npos);
  EXPECT_NE(m.find("GONGTONG_WORKERS"), std::string::npos);
  EXPECT_NE(m.find("GONGTONG_LOG_LEVEL"), std::string::npos);
}

TEST(Config, SecretsAreNeverEchoed) {
  auto c = Config::Load(Keys(), {"--pg_dsn=password=hunter2"}, {});
  ASSERT_TRUE(c.ok());
  for (const auto& [k, v] : c->Describe()) EXPECT_EQ(v.find("hunter2"), std::string::npos) << k;
}

TEST(Config, HelpIsNotAnError) {
  auto c = Config::Load(Keys(), {"--help"}, {});
  ASSERT_EQ(c.status().code(), absl::StatusCode::kCancelled);
  EXPECT_NE(c.status().message().find("GONGTONG_WORKERS"), std::string::npos);
}

TEST(Config, EnvName) { EXPECT_EQ(EnvName("pg_pool_size"), "GONGTONG_PG_POOL_SIZE"); }

}  // namespace
}  // namespace gongtong::config
