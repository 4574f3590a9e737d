#include "args.h"

#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gongtongctl {
namespace {

const std::set<std::string>& GlobalValueFlags() {
  static const std::set<std::string> kFlags = {"addr", "token", "timeout", "request-id"};
  return kFlags;
}

bool IsPrintableAscii(const std::string& s, bool allow_space) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e || (!allow_space && c == ' ')) return false;
  }
  return true;
}

// Splits "--name=value" into name and value; `has_value` tells whether "="
// was present.
void SplitFlag(const std::string& arg, std::string* name, std::string* value, bool* has_value) {
  std::string body = arg.substr(2);
  size_t eq = body.find('=');
  *has_value = eq != std::string::npos;
  *name = *has_value ? body.substr(0, eq) : body;
  *value = *has_value ? body.substr(eq + 1) : "";
}

absl::Status ApplyGlobalFlag(const std::string& name, const std::string& value,
                             GlobalOptions* global) {
  if (name == "addr") {
    if (value.empty()) return absl::InvalidArgumentError("--addr must not be empty (HOST:PORT)");
    global->addr = value;
  } else if (name == "token") {
    absl::StatusOr<std::string> token = NormalizeToken(value);
    if (!token.ok()) return token.status();
    global->token = *token;
  } else if (name == "timeout") {
    double seconds = 0;
    if (!absl::SimpleAtod(value, &seconds) || !std::isfinite(seconds) || seconds <= 0 ||
        seconds > kMaxTimeoutSeconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timeout=", value, ": want a number of seconds > 0 and <= ", kMaxTimeoutSeconds,
          " (e.g. --timeout=2.5)"));
    }
    global->timeout_seconds = seconds;
    global->timeout_given = true;
  } else if (name == "request-id") {
    if (value.empty() || value.size() > 256 || !IsPrintableAscii(value, /*allow_space=*/false)) {
      return absl::InvalidArgumentError(
          "--request-id: want 1 to 256 printable ASCII characters without spaces");
    }
    global->request_id = value;
  }
  return absl::OkStatus();
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<std::string> NormalizeToken(const std::string& raw) {
  std::string token(absl::StripAsciiWhitespace(raw));
  if (absl::StartsWithIgnoreCase(token, "Bearer ")) {
    token = std::string(absl::StripAsciiWhitespace(token.substr(7)));
  }
  if (!IsPrintableAscii(token, /*allow_space=*/false)) {
    return absl::InvalidArgumentError(
        "token contains spaces or non-ASCII characters; pass the bare JWT (header.payload.signature)");
  }
  return token;
}

absl::StatusOr<Invocation> ParseInvocation(const std::vector<std::string>& argv,
                                           const EnvLookup& env) {
  Invocation inv;
  if (std::optional<std::string> addr = env("GONGTONG_ADDR"); addr && !addr->empty()) {
    inv.global.addr = *addr;
  }
  if (std::optional<std::string> token = env("GONGTONG_TOKEN"); token) {
    absl::StatusOr<std::string> normalized = NormalizeToken(*token);
    if (!normalized.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("GONGTONG_TOKEN: ", normalized.status().message()));
    }
    inv.global.token = *normalized;
  }

  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (flags_done) {
      inv.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      inv.help = true;
      continue;
    }
    const bool is_flag = absl::StartsWith(arg, "--") && arg.size() > 2;
    if (is_flag) {
      std::string name, value;
      bool has_value = false;
      SplitFlag(arg, &name, &value, &has_value);
      if (name == "tls") {
        return absl::UnimplementedError(
            "--tls is not supported yet: gongtongctl uses plaintext channels for now");
      }
      if (GlobalValueFlags().count(name) != 0) {
        if (!has_value) {
          if (i + 1 >= argv.size()) {
            return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
          }
          value = argv[++i];
        }
        absl::Status applied = ApplyGlobalFlag(name, value, &inv.global);
        if (!applied.ok()) return applied;
        continue;
      }
      if (inv.command.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "unknown flag ", arg, " (global flags: --addr, --token, --timeout, --request-id, --help)"));
      }
      inv.args.push_back(arg);  // a command flag, e.g. token --role=...
      continue;
    }
    if (inv.command.empty()) {
      if (absl::StartsWith(arg, "-") && arg != "-") {
        return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg, " (flags are --name=value)"));
      }
      inv.command = arg;
    } else {
      inv.args.push_back(arg);
    }
  }
  return inv;
}

absl::StatusOr<CommandFlags> ParseCommandFlags(const std::vector<std::string>& args,
                                               const std::set<std::string>& known) {
  CommandFlags out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!absl::StartsWith(arg, "--") || arg.size() <= 2) {
      out.positional.push_back(arg);
      continue;
    }
    std::string name, value;
    bool has_value = false;
    SplitFlag(arg, &name, &value, &has_value);
    if (known.count(name) == 0) {
      std::vector<std::string> names;
      for (const std::string& k : known) names.push_back("--" + k);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (known: ", absl::StrJoin(names, ", "), ")"));
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      value = args[++i];
    }
    if (out.values.count(name) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " given twice"));
    }
    out.values[name] = value;
  }
  return out;
}

}  // namespace gongtongctl
