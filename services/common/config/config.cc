#include "common/config/config.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;
#include "common/strings.h"

namespace gongtong::config {

Validator IntIn(int64_t min, int64_t max) {
  return [min, max](std::string_view v) -> std::string {
    int64_t n;
    if (!absl::SimpleAtoi(Absl(v), &n) || n < min || n > max) {
      return absl::StrCat("must be an integer from ", min, " to ", max);
    }
    return "";
  };
}

Validator HostPort() {
  return [](std::string_view v) -> std::string {
    auto colon = v.rfind(':');
    int port = 0;
    if (colon == std::string_view::npos || !absl::SimpleAtoi(Absl(v.substr(colon + 1)), &port) ||
        port < 1 || port > 65535) {
      return "must be host:port with a port from 1 to 65535";
    }
    return "";
  };
}

Validator OneOf(std::vector<std::string> allowed) {
  return [allowed](std::string_view v) -> std::string {
    for (const auto& a : allowed) {
      if (a == v) return "";
    }
    return "must be one of: " + absl::StrJoin(allowed, ", ");
  };
}

Validator NonEmpty() {
  return [](std::string_view v) -> std::string { return v.empty() ? "must not be empty" : ""; };
}

Validator ReadableFile() {
  return [](std::string_view v) -> std::string {
    std::ifstream in{std::string(v)};
    return in.good() ? "" : "must name a readable file";
  };
}

std::string EnvName(std::string_view key_name) {
  return "GONGTONG_" + absl::AsciiStrToUpper(Absl(key_name));
}

std::map<std::string, std::string> CurrentEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::string Usage(std::string_view program, const std::vector<Key>& keys) {
  std::string out = absl::StrCat("usage: ", Absl(program), " [--name=value ...]\n\n");
  for (const auto& k : keys) {
    absl::StrAppend(&out, "  --", k.name, " (", EnvName(k.name), ")",
                    k.required ? " required" : "",
                    !k.required && !k.default_value.empty() ? " default " + k.default_value : "",
                    "\n      ", k.help, "\n");
  }
  return out;
}

absl::StatusOr<Config> Config::Load(const std::vector<Key>& keys,
                                    const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env) {
  std::vector<std::string> errors;
  std::map<std::string, std::string, std::less<>> flags;
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      return absl::CancelledError(Usage("gongtong-<service>", keys));
    }
    if (!absl::StartsWith(arg, "--") || arg.find('=') == std::string::npos) {
      errors.push_back(absl::StrCat("argument '", arg, "': expected --name=value"));
      continue;
    }
    auto eq = arg.find('=');
    std::string name = arg.substr(2, eq - 2);
    for (char& c : name) c = c == '-' ? '_' : c;  // accept --pg-dsn as --pg_dsn
    bool known = false;
    for (const auto& k : keys) known |= k.name == name;
    if (!known) {
      errors.push_back(absl::StrCat("unknown flag --", name, " (see --help)"));
      continue;
    }
    flags[name] = arg.substr(eq + 1);
  }

  Config config;
  for (const auto& k : keys) {
    std::string where = absl::StrCat("--", k.name, " / ", EnvName(k.name));
    std::optional<std::string> value;
    if (auto f = flags.find(k.name); f != flags.end()) {
      value = f->second;
    } else if (auto e = env.find(EnvName(k.name)); e != env.end()) {
      value = e->second;
    }
    if (!value && k.required) {
      errors.push_back(absl::StrCat(where, ": required, not set. ", k.help));
      continue;
    }
    std::string v = value ? *value : k.default_value;
    if (k.validate && (value || !v.empty())) {
      std::string why = k.validate(v);
      if (!why.empty()) {
        errors.push_back(absl::StrCat(where, ": ", k.secret ? "value" : "'" + v + "'", " ", why));
        continue;
      }
    }
    config.values_[k.name] = v;
    config.secret_[k.name] = k.secret;
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError("invalid configuration:\n  " + absl::StrJoin(errors, "\n  "));
  }
  return config;
}

const std::string& Config::Get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    // A key the program never declared is a programming error.
    std::fprintf(stderr, "config key '%.*s' was not declared\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return it->second;
}

int64_t Config::GetInt(std::string_view name) const {
  int64_t n = 0;
  if (!absl::SimpleAtoi(Get(name), &n)) std::abort();  // declared with IntIn
  return n;
}

bool Config::Has(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.empty();
}

std::vector<std::pair<std::string, std::string>> Config::Describe() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : values_) {
    out.emplace_back(k, secret_.at(k) && !v.empty() ? "***" : v);
  }
  return out;
}

}  // namespace gongtong::config
