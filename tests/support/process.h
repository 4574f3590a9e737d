#pragma once
// A service binary run as a child process with its own environment, as an
// operator would run it, for tests of start-up, signals and drain.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace gongtong::testing {

class ServiceProcess {
 public:
  // Starts `binary` with the current environment plus `env`; stderr goes to
  // a log file (log_text()).
  ServiceProcess(const std::string& binary, const std::map<std::string, std::string>& env,
                 const std::vector<std::string>& args = {});
  ~ServiceProcess();  // SIGKILLs the child if still running

  // Polls health `name` until it equals `want` or the timeout passes.
  bool WaitForHealth(const std::string& address, const std::string& want,
                     std::chrono::seconds timeout, const std::string& name = "");
  void Signal(int sig);
  // Exit code, or -1 if still running after `timeout` (-2 killed by a signal).
  int WaitExit(std::chrono::milliseconds timeout);
  std::string log_text() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  bool exited_ = false;
};

// Health check status name ("SERVING", ...) or "ERROR <code>".
std::string CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& name);

// Service names listed by the server's reflection service (v1alpha).
std::vector<std::string> ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel);

// Calls `method` ("/pkg.Service/Method") with raw request bytes.
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& request, const std::string& token, std::string* response);

}  // namespace gongtong::testing
