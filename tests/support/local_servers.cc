#include "local_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>

namespace gongtong::testing {

std::string SourceDir() {
  const char* s = std::getenv("GONGTONG_SOURCE_DIR");
  return s ? s : GONGTONG_SOURCE_DIR_DEFAULT;
}

std::string BuildDir() {
  const char* s = std::getenv("GONGTONG_BUILD_DIR");
  return s ? s : GONGTONG_BUILD_DIR_DEFAULT;
}

std::string RunOrDie(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) {
    std::cerr << "cannot run: " << command << "\n";
    std::abort();
  }
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int rc = pclose(p);
  if (rc != 0) {
    std::cerr << "command failed (" << rc << "): " << command << "\n" << out << "\n";
    std::abort();
  }
  return out;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/gt-" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) std::abort();
  return tmpl;
}

std::string UniqueSchema(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() & 0xFFFFF;
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(salt) + "_" +
         std::to_string(counter++);
}

LocalPostgres& LocalPostgres::Shared() {
  static LocalPostgres* instance = new LocalPostgres();  // stopped by atexit below
  return *instance;
}

LocalPostgres::LocalPostgres() : dir_(MakeTempDir("pg")), port_(FreePort()) {
  Start();
  dsn_ = "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=gongtong user=gongtong";
  std::atexit([] { Shared().~LocalPostgres(); });
}

LocalPostgres::~LocalPostgres() {
  if (dir_.empty()) return;
  std::system(("'" + SourceDir() + "/scripts/pg-local' stop '" + dir_ + "' >/dev/null 2>&1").c_str());
  std::system(("rm -rf '" + dir_ + "'").c_str());
  dir_.clear();
}

void LocalPostgres::Start() {
  RunOrDie("'" + SourceDir() + "/scripts/pg-local' start '" + dir_ + "' " + std::to_string(port_));
}

void LocalPostgres::Stop() { RunOrDie("'" + SourceDir() + "/scripts/pg-local' stop '" + dir_ + "'"); }

LocalRedis& LocalRedis::Shared() {
  static LocalRedis* instance = new LocalRedis();
  return *instance;
}

LocalRedis::LocalRedis() : dir_(MakeTempDir("redis")), port_(FreePort()) {
  Start();
  std::atexit([] { Shared().~LocalRedis(); });
}

LocalRedis::~LocalRedis() {
  if (dir_.empty()) return;
  std::system(("'" + SourceDir() + "/scripts/redis-local' stop '" + dir_ + "' >/dev/null 2>&1").c_str());
  std::system(("rm -rf '" + dir_ + "'").c_str());
  dir_.clear();
}

void LocalRedis::Start() {
  RunOrDie("'" + SourceDir() + "/scripts/redis-local' start '" + dir_ + "' " + std::to_string(port_));
}

void LocalRedis::Stop() { RunOrDie("'" + SourceDir() + "/scripts/redis-local' stop '" + dir_ + "'"); }

redis::Options LocalRedis::options() const {
  redis::Options o;
  o.host = "127.0.0.1";
  o.port = port_;
  o.command_timeout = std::chrono::milliseconds(2000);
  return o;
}

}  // namespace gongtong::testing
