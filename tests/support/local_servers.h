#pragma once
// Real PostgreSQL and Redis servers for integration tests, started through
// the project's own scripts/pg-local and scripts/redis-local in a temporary
// directory on free loopback ports, and removed when the test binary exits.
// Stop()/Start() let fault tests take a server away and bring it back with
// its data (same directory, same port).

#include <string>

#include "common/redis/redis_client.h"

namespace gongtong::testing {

class LocalPostgres {
 public:
  // The binary's shared server, started on first use.
  static LocalPostgres& Shared();
  ~LocalPostgres();

  const std::string& dsn() const { return dsn_; }
  int port() const { return port_; }
  void Stop();
  void Start();

 private:
  LocalPostgres();
  std::string dir_;
  std::string dsn_;
  int port_ = 0;
};

class LocalRedis {
 public:
  static LocalRedis& Shared();
  ~LocalRedis();

  redis::Options options() const;
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  void Stop();
  void Start();

 private:
  LocalRedis();
  std::string dir_;
  int port_ = 0;
};

// A port on 127.0.0.1 that was free a moment ago.
int FreePort();
// Runs a shell command; aborts the test binary with its output on failure.
std::string RunOrDie(const std::string& command);
// Repo root (GONGTONG_SOURCE_DIR, set by ctest) and build dir.
std::string SourceDir();
std::string BuildDir();
// A fresh schema name unique to this process, e.g. "t_event_path_ab12".
std::string UniqueSchema(const std::string& prefix);
// A new temporary directory (removed by the caller or left in /tmp).
std::string MakeTempDir(const std::string& prefix);

}  // namespace gongtong::testing
