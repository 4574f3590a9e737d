// Command-line parsing: global flags (with GONGTONG_* environment fallbacks),
// the command word, and the --name=value flags of a command.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gongtongctl {

inline constexpr char kDefaultAddr[] = "127.0.0.1:50051";
inline constexpr double kDefaultTimeoutSeconds = 10;
inline constexpr double kMaxTimeoutSeconds = 86400;

// Looks up an environment variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

struct GlobalOptions {
  std::string addr = kDefaultAddr;  // --addr, GONGTONG_ADDR
  std::string token;                // --token, GONGTONG_TOKEN (without "Bearer ")
  double timeout_seconds = kDefaultTimeoutSeconds;  // --timeout
  bool timeout_given = false;       // --timeout was given (import has a longer default)
  std::string request_id;           // --request-id → x-request-id
};

struct Invocation {
  GlobalOptions global;
  bool help = false;              // --help / -h anywhere before "--"
  std::string command;            // empty when none was given
  std::vector<std::string> args;  // the command's own arguments, in order
};

// Parses argv without argv[0]. Global flags may appear before or after the
// command word ("--" ends flag parsing); anything else after the command is
// passed through in `args`. Flags take "--name=value" or "--name value".
absl::StatusOr<Invocation> ParseInvocation(const std::vector<std::string>& argv,
                                           const EnvLookup& env);

// Strips surrounding whitespace and an optional "Bearer " prefix; rejects
// characters that cannot travel in an HTTP/2 header.
absl::StatusOr<std::string> NormalizeToken(const std::string& raw);

struct CommandFlags {
  std::map<std::string, std::string> values;  // flag name (no dashes) → value
  std::vector<std::string> positional;
};

// Parses a command's "--name=value" / "--name value" flags; every flag in
// `known` takes a value, any other flag is an error naming it.
absl::StatusOr<CommandFlags> ParseCommandFlags(const std::vector<std::string>& args,
                                               const std::set<std::string>& known);

}  // namespace gongtongctl
