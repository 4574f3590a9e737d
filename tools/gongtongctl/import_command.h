// `import`: bulk import of a CSV or NDJSON file through
// RegistryService.ImportRows (protos/gongtong/registry/v1/import.proto).
//
// The file is read as a stream: a header message (entity, format, the CSV
// header line's columns, dry_run, source_name), then batches of rows, each
// row carrying its 1-based line number in the file (for a CSV record that
// spans lines, the line it starts on). Results are printed as they arrive,
// one line per row, then the summary.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "args.h"
#include "gongtong/registry/v1/import.pb.h"

namespace gongtongctl {

inline constexpr int kDefaultImportBatch = 500;
inline constexpr int kMaxImportBatch = 1000;           // the server's limit per batch
inline constexpr size_t kMaxImportBatchBytes = 3 << 20;  // the server allows 4 MiB
inline constexpr size_t kMaxImportRowBytes = 64 << 10;   // the server's limit per row
// The deadline of a whole import when --timeout is not given.
inline constexpr double kDefaultImportTimeoutSeconds = 3600;

struct ImportCommand {
  gongtong::registry::v1::ImportEntity entity = gongtong::registry::v1::IMPORT_ENTITY_UNSPECIFIED;
  gongtong::registry::v1::ImportFormat format = gongtong::registry::v1::IMPORT_FORMAT_UNSPECIFIED;
  bool dry_run = false;
  int batch = kDefaultImportBatch;
  bool json_output = false;  // --output=json
  std::string file;          // a path, or "-" for stdin
  std::string request_id;    // --request-id: re-sending with it replays (or resumes) the first run
};

// Parses `import --entity=... [--format=csv|json] [--dry-run] [--batch=N]
// [--output=text|json] [--request-id=UUID] FILE|-`; the format comes from --format or the file's
// extension (.csv; .json, .ndjson, .jsonl).
absl::StatusOr<ImportCommand> ParseImportCommand(const std::vector<std::string>& args);

// One row of the input: its text (without the line break) and the 1-based
// line it starts on.
struct SourceRecord {
  std::string text;
  int64_t line = 0;
};

// Reads the rows of an import file as a stream; a UTF-8 BOM at the start is
// dropped, blank lines are skipped, CRLF is accepted.
//   CSV: finds record boundaries (RFC 4180: a line break inside double
//   quotes continues the record; fields are not split here), ending each
//   record where SplitCsvRecord (registry/domain/school_import.h) would.
//   JSON: one object per line (NDJSON), sent as is (the server parses it and
//   rejects a bad row).
class RowReader {
 public:
  RowReader(std::istream* in, gongtong::registry::v1::ImportFormat format) : in_(in), format_(format) {}
  // The next row; std::nullopt at the end; INVALID_ARGUMENT for a row longer
  // than `max_bytes` (usually an unclosed quote). A quote still open at the
  // end of the input ends the record there (the server rejects it).
  std::optional<absl::StatusOr<SourceRecord>> Next(size_t max_bytes = kMaxImportRowBytes);

 private:
  std::istream* in_;
  gongtong::registry::v1::ImportFormat format_;
  int64_t line_ = 0;
};

// "row 7: REJECTED INVALID_ARGUMENT school_code: <reason>" and the like; or
// the result's JSON when `json` is set.
std::string FormatRowResult(const gongtong::registry::v1::RowResult& result, bool json);
std::string FormatSummary(const gongtong::registry::v1::ImportSummary& summary, bool json);

// Runs the import and returns the exit code: kExitOk when every row was
// accepted, kExitRejected when the server rejected some, kExitUsage for a
// bad file (nothing sent, or the stream cancelled at the bad record), and
// ExitCodeFor(status) when the stream ends with an error.
int RunImport(const std::shared_ptr<grpc::Channel>& channel, const GlobalOptions& options,
              const ImportCommand& command, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace gongtongctl
