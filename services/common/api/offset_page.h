#pragma once
// Paging over a listing computed in full (results of a run, statuses,
// indicator values...): the opaque page token carries the offset reached,
// the total counted at the first page and the fingerprint of the request
// fields that pin the listing (list_request.h). One place for the token
// dance of such listings.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"

namespace gongtong::api {

struct OffsetPage {
  int offset = 0;
  int limit = 0;
  uint64_t fingerprint = 0;
};

// page_size 0 → `default_size` (then as EffectivePageSize: negative is
// INVALID_ARGUMENT naming page_size); a token must have been issued for the
// same `pinned` request fields (INVALID_ARGUMENT naming page_token).
absl::StatusOr<OffsetPage> StartOffsetPage(int32_t page_size, int32_t default_size, const std::string& page_token,
                                           const std::vector<std::string>& pinned);

// The token of the page after `page` over `total` items; "" when none.
std::string NextOffsetToken(const OffsetPage& page, int64_t total);

// Appends items[offset, offset + limit) to `out`, sets the total and the
// next page's token.
template <typename T, typename Repeated>
void FillOffsetPage(const OffsetPage& page, std::vector<T>& items, Repeated* out, std::string* next_page_token,
                    int32_t* total_size) {
  const int total = static_cast<int>(items.size());
  for (int i = page.offset; i < total && i < page.offset + page.limit; ++i) {
    *out->Add() = std::move(items[static_cast<size_t>(i)]);
  }
  *total_size = total;
  *next_page_token = NextOffsetToken(page, total);
}

}  // namespace gongtong::api
