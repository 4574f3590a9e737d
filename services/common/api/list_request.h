#pragma once
// Google AIP list and update helpers shared by every service: the filter
// grammar of protos/README.md, order_by, page sizes, page tokens and update
// masks. Pure functions, no I/O. Every error is INVALID_ARGUMENT with a
// BadRequest field violation naming the request field ("filter",
// "order_by", "page_size", "page_token", "update_mask") and a zh-CN message.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gongtong::api {

// ---- filter ---------------------------------------------------------------
// Grammar: term (AND term)*, term = field op value; op one of = != < <= > >= :
// value = bare word (letters, digits, _ - . /) or "double-quoted string"
// (backslash escapes \" and \\). AND is case-sensitive; whitespace between
// tokens is free. An empty filter has no terms.
struct FilterTerm {
  std::string field;
  std::string op;
  std::string value;
};

// What a List method accepts: each field with the operators allowed on it.
struct FilterField {
  std::string name;
  std::vector<std::string> ops;
};

// Parses and checks `filter` against `allowed`; a syntax error, an unknown
// field or a disallowed operator is INVALID_ARGUMENT naming it.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(std::string_view filter,
                                                    const std::vector<FilterField>& allowed);

// ---- order_by -------------------------------------------------------------
struct OrderField {
  std::string field;
  bool descending = false;
};
// "a, b desc" → [{a}, {b, desc}]; empty → `default_order`. Unknown field or
// a word other than "desc"/"asc" is INVALID_ARGUMENT.
absl::StatusOr<std::vector<OrderField>> ParseOrderBy(std::string_view order_by,
                                                     const std::vector<std::string>& allowed,
                                                     const std::vector<OrderField>& default_order);

// ---- page size ------------------------------------------------------------
// 0 → 50; above 1000 → 1000; negative → INVALID_ARGUMENT.
absl::StatusOr<int> EffectivePageSize(int32_t requested);

// ---- page token -----------------------------------------------------------
// A page token is opaque to clients: web-safe base64 of the position after
// the last item returned (`after`: the sort key values, encoded by the
// caller), the total counted at the first page, when it was issued, and a
// fingerprint of the request fields that must not change between pages
// (filter, order_by, show_deleted, parent...).
struct PageCursor {
  std::vector<std::string> after;
  int64_t total_size = 0;
  int64_t issued_unix = 0;
  uint64_t fingerprint = 0;
};

// Fingerprint of the request fields that pin a listing.
uint64_t RequestFingerprint(const std::vector<std::string>& parts);

std::string EncodePageToken(const PageCursor& cursor);
// INVALID_ARGUMENT (field page_token) when malformed, older than 24 h at
// `now_unix`, or issued for another fingerprint.
absl::StatusOr<PageCursor> DecodePageToken(std::string_view token, uint64_t fingerprint,
                                           int64_t now_unix);

// Where a keyset page starts. The first page (no token) has no `after` and
// asks the caller to count the total (count_total, total -1); a later page
// carries the position and the total counted at the first page.
struct PageStart {
  std::vector<std::string> after;
  int64_t total = -1;
  bool count_total = false;
};
// "" → the first page; otherwise DecodePageToken's checks.
absl::StatusOr<PageStart> StartPage(std::string_view page_token, uint64_t fingerprint, int64_t now_unix);
// The next page's token when `more` (after `last_key`, carrying `total`),
// "" when this page is the last.
std::string NextPageToken(bool more, const std::vector<std::string>& last_key, int64_t total,
                          uint64_t fingerprint, int64_t now_unix);

// ---- update mask ----------------------------------------------------------
// Checks an update mask's paths: required non-empty; "*" alone means every
// path of `updatable`; each path must be in `updatable` — one in `immutable`
// or any other path is INVALID_ARGUMENT naming it ("update_mask.paths[i]").
// Returns the effective list of paths.
absl::StatusOr<std::vector<std::string>> CheckUpdateMask(const std::vector<std::string>& paths,
                                                         const std::vector<std::string>& updatable,
                                                         const std::vector<std::string>& immutable);

}  // namespace gongtong::api
