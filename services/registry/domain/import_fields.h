#pragma once
// What every bulk-import entity parses the same way (ImportRows; see
// import.proto): the CSV column list, a CSV record against it, enum values
// by name or official code, "|"-separated lists, and JSON rows in the proto3
// JSON mapping with the import's extra keys (e.g. "school_code") taken out
// and the fields present reported as update paths. Pure.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace gongtong::registry {

// Why a row cannot be read: the column (or "text") and the reason. A row
// with a problem is REJECTED with INVALID_ARGUMENT and changes nothing.
struct RowProblem {
  std::string field, reason;
  bool empty() const { return reason.empty(); }
};

// The refusal of a row with `problem`: INVALID_ARGUMENT IMPORT_ROW_INVALID
// naming problem.field, with a zh-CN message.
absl::Status ProblemStatus(const RowProblem& problem);

// INVALID_ARGUMENT naming "header.columns[i]" for a column not in `known`
// or listed twice, or "header.columns" when one of `required` is missing.
absl::Status CheckImportColumns(const std::vector<std::string>& columns, const std::vector<std::string>& known,
                                const std::vector<std::string>& required);

// The fields of a CSV row (SplitCsvRecord) when there are exactly `count`.
bool SplitCsvRow(std::string_view text, size_t count, std::vector<std::string>* fields, RowProblem* problem);

// Splits a CSV row and calls `take(column, value)` for each field in
// column order; stops at the first field `take` refuses (it fills
// `problem` and returns false). False when the row or a field is refused.
bool ForEachCsvField(std::string_view text, const std::vector<std::string>& columns, RowProblem* problem,
                     const std::function<bool(const std::string& column, const std::string& value)>& take);

// An enum value by its full name ("GRADE_3"), its name without the enum's
// prefix ("3" → GRADE_3, "CHINESE" → SUBJECT_CODE_CHINESE), or its number
// ("220"); UNSPECIFIED (0) is never accepted.
bool ParseEnumText(std::string_view text, const google::protobuf::EnumDescriptor* type, int* value);

// Splits "a|b|c" (empty text → no items; items trimmed).
std::vector<std::string> SplitList(std::string_view text);

// Parses a JSON object row into `message` (unknown fields refused). Keys in
// `extra_keys` (snake_case; their lowerCamel form is accepted too) are taken
// out first into `extras` (string values). `present` gets the snake_case
// names of the message's top-level fields the row sets.
bool ParseJsonRow(std::string_view text, const std::set<std::string>& extra_keys,
                  google::protobuf::Message* message, std::map<std::string, std::string>* extras,
                  std::vector<std::string>* present, RowProblem* problem);

}  // namespace gongtong::registry
