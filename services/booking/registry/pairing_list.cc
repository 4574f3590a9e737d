// RegistryView::AllPairings: a paged ListPairings read across communities,
// uncached (delivery counts list every pairing of a scope; a cached whole
// list would go stale on any pairing change).
#include "absl/strings/str_cat.h"
#include "booking/registry/registry_view.h"
#include "common/status/error.h"

namespace gongtong::booking {

absl::StatusOr<std::vector<rv1::Pairing>> RegistryView::AllPairings(const std::string& filter, pg::Deadline deadline) {
  std::vector<rv1::Pairing> out;
  rv1::ListPairingsRequest req;
  req.set_parent("communities/-");
  req.set_page_size(1000);
  req.set_filter(filter);
  for (;;) {
    rv1::ListPairingsResponse resp;
    auto ctx = Context(deadline);
    const grpc::Status s = stub_->ListPairings(ctx.get(), req, &resp);
    if (!s.ok()) {
      return ErrorBuilder(absl::StatusCode::kUnavailable, "REGISTRY_UNAVAILABLE")
          .Message(absl::StrCat("the registry did not list pairings: ", s.error_message()))
          .Zh("暂时无法读取结对信息，请稍后重试")
          .Build();
    }
    for (auto& p : *resp.mutable_pairings()) out.push_back(std::move(p));
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  return out;
}

}  // namespace gongtong::booking
