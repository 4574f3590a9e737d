#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "common/log/log.h"
#include "common/server/bounded_executor.h"

namespace gongtong {
namespace {

TEST(BoundedExecutor, RefusesBeyondItsBoundAndRunsEverythingAdmitted) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  {
    BoundedExecutor executor(/*threads=*/2, /*max_admitted=*/3);
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(executor.TrySubmit([&, gate] {
        gate.wait();
        ++ran;
      }));
    }
    EXPECT_FALSE(executor.TrySubmit([&] { ++ran; }));  // 2 running + 1 queued = full
    EXPECT_EQ(executor.admitted(), 3);
    release.set_value();
  }  // destructor runs the admitted tasks
  EXPECT_EQ(ran.load(), 3);
}

TEST(Log, JsonQuoteEscapesAndKeepsChinese) {
  EXPECT_EQ(log::JsonQuote("a\"b\\c\n"), R"("a\"b\\c\n")");
  EXPECT_EQ(log::JsonQuote("仙居县"), "\"仙居县\"");
  EXPECT_EQ(log::JsonQuote(std::string("\x01", 1)), R"("\u0001")");
  EXPECT_EQ(log::JsonQuote("\xff"), "\"\xEF\xBF\xBD\"");  // invalid UTF-8 replaced
}

}  // namespace
}  // namespace gongtong
