#include "commands.h"

#include <chrono>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "call_context.h"
#include "descriptors.h"
#include "exit_codes.h"
#include "health.h"
#include "import_command.h"
#include "method_call.h"
#include "token.h"
#include "usage.h"

namespace gongtongctl {
namespace {

int UsageError(std::ostream& err, absl::string_view message, absl::string_view command) {
  err << "gongtongctl: " << message << "\n";
  if (!command.empty()) err << "run `gongtongctl help " << command << "` for its usage\n";
  return kExitUsage;
}

// Warns when a proto file compiled into gongtong_proto is missing from the
// generated pool (it would mean the whole-archive link did not happen).
Catalog LoadCatalog(std::ostream& err) {
  Catalog catalog = Catalog::Generated();
  for (const std::string& file : catalog.missing_files()) {
    err << "gongtongctl: warning: no descriptors linked for " << file << "\n";
  }
  return catalog;
}

int CmdCall(const Invocation& inv, std::istream& in, std::ostream& out, std::ostream& err) {
  if (inv.args.empty() || inv.args.size() > 2) {
    return UsageError(err, "call needs METHOD and at most one JSON argument", "call");
  }
  Catalog catalog = LoadCatalog(err);
  absl::StatusOr<const google::protobuf::MethodDescriptor*> method =
      catalog.FindMethod(inv.args[0]);
  if (!method.ok()) return UsageError(err, method.status().message(), "");
  std::optional<std::string> request;
  if (inv.args.size() == 2) request = inv.args[1];
  return RunCall(MakeChannel(inv.global), **method, inv.global, request, CallIo{&in, &out, &err});
}

int CmdHealth(const Invocation& inv, std::ostream& out, std::ostream& err) {
  if (inv.args.size() > 1) return UsageError(err, "health takes at most one SERVICE", "health");
  const std::string service = inv.args.empty() ? "" : inv.args[0];
  return RunHealth(MakeChannel(inv.global), inv.global, service, out, err);
}

int CmdList(const Invocation& inv, std::ostream& out, std::ostream& err) {
  if (inv.args.size() > 1) return UsageError(err, "list takes at most one SERVICE", "list");
  Catalog catalog = LoadCatalog(err);
  if (inv.args.empty()) {
    out << catalog.List();
    return kExitOk;
  }
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> service =
      catalog.FindService(inv.args[0]);
  if (!service.ok()) return UsageError(err, service.status().message(), "");
  out << catalog.List(*service);
  return kExitOk;
}

int CmdDescribe(const Invocation& inv, std::ostream& out, std::ostream& err) {
  if (inv.args.size() != 1) return UsageError(err, "describe needs exactly one NAME", "describe");
  Catalog catalog = LoadCatalog(err);
  absl::StatusOr<std::string> text = catalog.Describe(inv.args[0]);
  if (!text.ok()) return UsageError(err, text.status().message(), "");
  out << *text;
  return kExitOk;
}

int CmdToken(const Invocation& inv, std::ostream& out, std::ostream& err) {
  absl::StatusOr<TokenCommand> cmd = ParseTokenCommand(inv.args);
  if (!cmd.ok()) return UsageError(err, cmd.status().message(), "token");
  absl::StatusOr<std::string> key = ReadFileContents(cmd->key_file);
  if (!key.ok()) return UsageError(err, key.status().message(), "");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  absl::StatusOr<std::string> token = MintToken(cmd->claims, *key, now);
  if (!token.ok()) return UsageError(err, token.status().message(), "");
  out << *token << "\n";
  return kExitOk;
}

int CmdImport(const Invocation& inv, std::istream& in, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ImportCommand> cmd = ParseImportCommand(inv.args);
  if (!cmd.ok()) return UsageError(err, cmd.status().message(), "import");
  return RunImport(MakeChannel(inv.global), inv.global, *cmd, in, out, err);
}

}  // namespace

int Run(const std::vector<std::string>& argv, const EnvLookup& env, std::istream& in,
        std::ostream& out, std::ostream& err) {
  absl::StatusOr<Invocation> parsed = ParseInvocation(argv, env);
  if (!parsed.ok()) return UsageError(err, parsed.status().message(), "");
  const Invocation& inv = *parsed;

  if (inv.command == "help") {
    out << (inv.args.empty() ? UsageText() : CommandUsage(inv.args[0]));
    return kExitOk;
  }
  if (inv.help) {
    out << (inv.command.empty() ? UsageText() : CommandUsage(inv.command));
    return kExitOk;
  }
  if (inv.command.empty()) {
    err << UsageText();
    return kExitUsage;
  }
  if (inv.command == "call") return CmdCall(inv, in, out, err);
  if (inv.command == "health") return CmdHealth(inv, out, err);
  if (inv.command == "list") return CmdList(inv, out, err);
  if (inv.command == "describe") return CmdDescribe(inv, out, err);
  if (inv.command == "token") return CmdToken(inv, out, err);
  if (inv.command == "import") return CmdImport(inv, in, out, err);
  return UsageError(err,
                    absl::StrCat("unknown command \"", inv.command,
                                 "\" (commands: call, import, health, list, describe, token, help)"),
                    "");
}

}  // namespace gongtongctl
