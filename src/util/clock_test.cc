#include "util/clock.h"

#include <gtest/gtest.h>

namespace strata::util {
namespace {

TEST(ClockTest, ParsesTheTimesStrataRecords) {
  EXPECT_EQ(ParseRfc3339Millis("2026-12-06T08:32:08Z"), 1796545928000);
  EXPECT_EQ(ParseRfc3339Millis("2026-12-06T08:32:08.526Z"), 1796545928526);
  EXPECT_EQ(ParseRfc3339Millis("2026-12-06 10:32:08+02:00"), 1796545928000);
  EXPECT_EQ(ParseRfc3339Millis("2026-12-06T03:32:08-05"), 1796545928000);
  EXPECT_EQ(ParseRfc3339Millis("2026-12-06"), std::nullopt);
  EXPECT_EQ(ParseRfc3339Millis("2026-13-06T08:32:08Z"), std::nullopt);
  EXPECT_EQ(ParseRfc3339Millis("2026-12-06T08:32:08Zjunk"), std::nullopt);
  EXPECT_EQ(FormatRfc3339(1796545928526), "2026-12-06T08:32:08Z");
  EXPECT_EQ(FormatRfc3339(1796545928526, true), "2026-12-06T08:32:08.526Z");
  auto now = NowUnixMillis();
  EXPECT_NEAR(static_cast<double>(*ParseRfc3339Millis(NowRfc3339(true))), static_cast<double>(now), 2000);
}

}  // namespace
}  // namespace strata::util
