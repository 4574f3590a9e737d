#include "import_command.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include <grpcpp/client_context.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "call_context.h"
#include "exit_codes.h"
#include "gongtong/registry/v1/registry_service.grpc.pb.h"
#include "json_codec.h"
#include "registry/domain/school_import.h"
#include "status_details.h"

namespace gongtongctl {

namespace rv1 = gongtong::registry::v1;

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

const std::map<std::string, rv1::ImportEntity>& EntityNames() {
  static const auto* kNames = new std::map<std::string, rv1::ImportEntity>{
      {"school", rv1::IMPORT_ENTITY_SCHOOL},
      {"class", rv1::IMPORT_ENTITY_SCHOOL_CLASS},
      {"school_class", rv1::IMPORT_ENTITY_SCHOOL_CLASS},
      {"teacher", rv1::IMPORT_ENTITY_TEACHER},
      {"bell_schedule", rv1::IMPORT_ENTITY_BELL_SCHEDULE},
  };
  return *kNames;
}

absl::StatusOr<rv1::ImportFormat> FormatNamed(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "csv") return rv1::IMPORT_FORMAT_CSV;
  if (lower == "json" || lower == "ndjson" || lower == "jsonl") return rv1::IMPORT_FORMAT_JSON;
  return absl::InvalidArgumentError(absl::StrCat("--format=", name, ": want csv or json"));
}

absl::StatusOr<rv1::ImportFormat> FormatFromExtension(const std::string& file) {
  const size_t dot = file.rfind('.');
  const size_t slash = file.rfind('/');
  if (file == "-" || dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot tell the format of ", file == "-" ? "stdin" : file,
        " from its name: give --format=csv or --format=json"));
  }
  absl::StatusOr<rv1::ImportFormat> format = FormatNamed(file.substr(dot + 1));
  if (!format.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot tell the format of ", file, " from its extension (.csv, .json, .ndjson, .jsonl): give --format=csv or --format=json"));
  }
  return format;
}

// Reads one line into `line` (without "\n"), dropping a BOM on the first.
bool ReadLine(std::istream* in, int64_t* line_number, std::string* line) {
  if (!std::getline(*in, *line)) return false;
  ++*line_number;
  if (*line_number == 1 && absl::StartsWith(*line, kBom)) line->erase(0, 3);
  return true;
}

bool IsBlank(const std::string& line) { return absl::StripAsciiWhitespace(line).empty(); }

void StripCarriageReturn(std::string* text) {
  if (!text->empty() && text->back() == '\r') text->pop_back();
}

absl::Status TooLong(int64_t line, size_t max_bytes, bool csv) {
  return absl::InvalidArgumentError(absl::StrCat("the row starting on line ", line, " is longer than ",
                                                 max_bytes / 1024, " KiB", csv ? " (an unclosed quote?)" : ""));
}

std::string OutcomeName(rv1::RowOutcome outcome) {
  std::string name = rv1::RowOutcome_Name(outcome);
  if (absl::StartsWith(name, "ROW_OUTCOME_")) name = name.substr(12);
  return name.empty() ? absl::StrCat("OUTCOME_", static_cast<int>(outcome)) : name;
}

std::string JsonOr(const google::protobuf::Message& message, const std::string& fallback) {
  absl::StatusOr<std::string> json = PrintJson(message, /*pretty=*/false);
  return json.ok() ? *json : fallback;
}

std::string BaseName(const std::string& path) {
  if (path == "-") return "stdin";
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<ImportCommand> ParseImportCommand(const std::vector<std::string>& args) {
  ImportCommand cmd;
  std::vector<std::string> rest;
  for (const std::string& arg : args) {
    if (arg == "--dry-run") {
      cmd.dry_run = true;
    } else {
      rest.push_back(arg);
    }
  }
  absl::StatusOr<CommandFlags> flags =
      ParseCommandFlags(rest, {"entity", "format", "batch", "output", "dry-run", "request-id"});
  if (!flags.ok()) return flags.status();
  if (flags->positional.size() != 1) {
    return absl::InvalidArgumentError(
        flags->positional.empty() ? "import needs a FILE (or - for stdin)"
                                  : absl::StrCat("import takes one FILE, got ", flags->positional.size(), ": ",
                                                 absl::StrJoin(flags->positional, " ")));
  }
  cmd.file = flags->positional[0];
  const auto& values = flags->values;

  auto entity = values.find("entity");
  std::vector<std::string> entity_names;
  for (const auto& [name, value] : EntityNames()) entity_names.push_back(name);
  if (entity == values.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("import needs --entity (", absl::StrJoin(entity_names, ", "), ")"));
  }
  auto known = EntityNames().find(absl::AsciiStrToLower(entity->second));
  if (known == EntityNames().end()) {
    return absl::InvalidArgumentError(absl::StrCat("--entity=", entity->second, ": want one of ",
                                                   absl::StrJoin(entity_names, ", ")));
  }
  cmd.entity = known->second;

  auto format = values.find("format");
  absl::StatusOr<rv1::ImportFormat> parsed_format =
      format != values.end() ? FormatNamed(format->second) : FormatFromExtension(cmd.file);
  if (!parsed_format.ok()) return parsed_format.status();
  cmd.format = *parsed_format;

  if (auto dry = values.find("dry-run"); dry != values.end()) {
    if (dry->second != "true" && dry->second != "false") {
      return absl::InvalidArgumentError(absl::StrCat("--dry-run=", dry->second, ": want true or false"));
    }
    cmd.dry_run = dry->second == "true";
  }
  if (auto id = values.find("request-id"); id != values.end()) {
    if (id->second.empty() || id->second.size() > 128) {
      return absl::InvalidArgumentError("--request-id: want an id of 1 to 128 characters (a UUID)");
    }
    cmd.request_id = id->second;
  }
  if (auto batch = values.find("batch"); batch != values.end()) {
    if (!absl::SimpleAtoi(batch->second, &cmd.batch) || cmd.batch < 1 || cmd.batch > kMaxImportBatch) {
      return absl::InvalidArgumentError(
          absl::StrCat("--batch=", batch->second, ": want rows per batch from 1 to ", kMaxImportBatch));
    }
  }
  if (auto output = values.find("output"); output != values.end()) {
    if (output->second != "text" && output->second != "json") {
      return absl::InvalidArgumentError(absl::StrCat("--output=", output->second, ": want text or json"));
    }
    cmd.json_output = output->second == "json";
  }
  return cmd;
}

std::optional<absl::StatusOr<SourceRecord>> RowReader::Next(size_t max_bytes) {
  // The quoting states of SplitCsvRecord (registry/domain/school_import.h),
  // so that a record ends exactly where the server's splitter would end it.
  enum { kStart, kPlain, kQuoted, kAfterQuote } state = kStart;
  const bool csv = format_ == rv1::IMPORT_FORMAT_CSV;
  SourceRecord record;
  std::string line;
  while (ReadLine(in_, &line_, &line)) {
    if (record.line == 0) {
      if (IsBlank(line)) continue;
      record.line = line_;
    } else {
      record.text += '\n';
    }
    for (size_t i = 0; csv && i < line.size(); ++i) {
      const char c = line[i];
      switch (state) {
        case kStart: state = c == '"' ? kQuoted : c == ',' ? kStart : kPlain; break;
        case kPlain: state = c == ',' ? kStart : kPlain; break;
        case kQuoted: state = c == '"' ? kAfterQuote : kQuoted; break;
        case kAfterQuote: state = c == '"' ? kQuoted : c == ',' ? kStart : kPlain; break;
      }
    }
    record.text += line;
    if (record.text.size() > max_bytes) return absl::StatusOr<SourceRecord>(TooLong(record.line, max_bytes, csv));
    if (state != kQuoted) {
      StripCarriageReturn(&record.text);
      return absl::StatusOr<SourceRecord>(std::move(record));
    }
  }
  if (record.line == 0) return std::nullopt;
  return absl::StatusOr<SourceRecord>(std::move(record));  // an unclosed quote: the server rejects it
}

std::string FormatRowResult(const rv1::RowResult& result, bool json) {
  std::string text = absl::StrCat("row ", result.row_number(), ": ", OutcomeName(result.outcome()));
  if (result.outcome() == rv1::ROW_OUTCOME_REJECTED) {
    absl::StrAppend(&text, " ", CodeName(result.code()), " ", result.field().empty() ? "-" : result.field(), ": ",
                    result.reason());
    if (!result.name().empty()) absl::StrAppend(&text, " (", result.name(), ")");
  } else if (!result.name().empty()) {
    absl::StrAppend(&text, " ", result.name());
  }
  return json ? JsonOr(result, text) : text;
}

std::string FormatSummary(const rv1::ImportSummary& summary, bool json) {
  std::string text = absl::StrCat(summary.total_rows(), " rows: ", summary.created(), " created, ",
                                   summary.updated(), " updated, ", summary.unchanged(), " unchanged, ",
                                   summary.rejected(), " rejected");
  if (summary.dry_run()) absl::StrAppend(&text, " (dry run: nothing was written)");
  if (!json) return text;
  rv1::ImportRowsResponse wrapped;
  *wrapped.mutable_summary() = summary;
  return JsonOr(wrapped, text);
}

int RunImport(const std::shared_ptr<grpc::Channel>& channel, const GlobalOptions& options,
              const ImportCommand& command, std::istream& in, std::ostream& out, std::ostream& err) {
  std::ifstream file;
  std::istream* source = &in;
  if (command.file != "-") {
    file.open(command.file, std::ios::binary);
    if (!file.is_open()) {
      err << "gongtongctl: cannot open " << command.file << ": " << std::strerror(errno)
          << "\ngongtongctl: nothing was sent\n";
      return kExitUsage;
    }
    source = &file;
  }

  rv1::ImportRowsRequest header_request;
  rv1::ImportHeader& header = *header_request.mutable_header();
  header.set_entity(command.entity);
  header.set_format(command.format);
  header.set_dry_run(command.dry_run);
  header.set_request_id(command.request_id);
  header.set_source_name(BaseName(command.file));

  RowReader rows(source, command.format);
  if (command.format == rv1::IMPORT_FORMAT_CSV) {
    std::optional<absl::StatusOr<SourceRecord>> first = rows.Next();
    absl::Status problem;
    if (!first.has_value()) {
      problem = absl::InvalidArgumentError("has no header line (the first CSV record names the columns)");
    } else if (!first->ok()) {
      problem = first->status();
    } else {
      absl::StatusOr<std::vector<std::string>> columns = gongtong::registry::SplitCsvRecord((*first)->text);
      if (!columns.ok()) {
        problem = absl::InvalidArgumentError(
            absl::StrCat("header line ", (*first)->line, ": ", columns.status().message()));
      } else {
        for (const std::string& c : *columns) header.add_columns(std::string(absl::StripAsciiWhitespace(c)));
      }
    }
    if (!problem.ok()) {
      err << "gongtongctl: " << (command.file == "-" ? "stdin" : command.file) << ": " << problem.message()
          << "\ngongtongctl: nothing was sent\n";
      return kExitUsage;
    }
  }

  GlobalOptions call_options = options;
  if (!call_options.timeout_given) call_options.timeout_seconds = kDefaultImportTimeoutSeconds;
  grpc::ClientContext context;
  PrepareContext(call_options, &context);
  std::unique_ptr<rv1::RegistryService::Stub> stub = rv1::RegistryService::NewStub(channel);
  std::unique_ptr<grpc::ClientReaderWriter<rv1::ImportRowsRequest, rv1::ImportRowsResponse>> stream =
      stub->ImportRows(&context);

  // Results are printed as they arrive, while this thread sends batches.
  rv1::ImportSummary summary;
  bool have_summary = false;
  std::thread reader([&] {
    rv1::ImportRowsResponse response;
    while (stream->Read(&response)) {
      for (const rv1::RowResult& result : response.batch_result().results()) {
        out << FormatRowResult(result, command.json_output) << "\n";
      }
      out.flush();
      if (response.has_summary()) {
        summary = response.summary();
        have_summary = true;
      }
    }
  });

  absl::Status input_error;
  bool stream_ok = stream->Write(header_request);
  rv1::ImportRowsRequest batch;
  size_t batch_bytes = 0;
  auto send = [&] {
    if (batch.batch().rows_size() > 0 && stream_ok) stream_ok = stream->Write(batch);
    batch.Clear();
    batch_bytes = 0;
  };
  while (stream_ok) {
    std::optional<absl::StatusOr<SourceRecord>> record = rows.Next();
    if (!record.has_value()) break;
    if (!record->ok()) {
      input_error = record->status();
      break;
    }
    rv1::ImportRow* row = batch.mutable_batch()->add_rows();
    row->set_row_number((*record)->line);
    row->set_text(std::move((*record)->text));
    batch_bytes += row->text().size() + 16;
    if (batch.batch().rows_size() >= command.batch || batch_bytes >= kMaxImportBatchBytes) send();
  }
  send();
  // The rows before a bad record were sent and stand (rows are independent):
  // finish normally so that their results and the summary are printed.
  if (stream_ok) stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();

  if (have_summary) out << FormatSummary(summary, command.json_output) << "\n";
  if (!input_error.ok()) {
    err << "gongtongctl: " << (command.file == "-" ? "stdin" : command.file) << ": " << input_error.message()
        << "\ngongtongctl: the import stopped there; the rows before it were sent (results above)\n";
  }
  if (!status.ok()) {
    err << FormatRpcError(status);
    return ExitCodeFor(status.error_code());
  }
  if (!input_error.ok()) return kExitUsage;
  if (!have_summary) {
    err << "gongtongctl: the server ended the import without a summary\n";
    return kExitFailed;
  }
  return summary.rejected() > 0 ? kExitRejected : kExitOk;
}

}  // namespace gongtongctl
