// examples/embed: an application that migrates its database at start-up
// through the library. Built with the tests and run here against the shop
// example's migrations on both engines.
#include "harness.h"

namespace strata::integration {
namespace {

std::string EmbedBin() {
  // The example sits next to the CLI in the build tree.
  std::string bin = testing::StrataBin();
  return bin.substr(0, bin.rfind("/src/cli/")) + "/examples/embed/strata_embed_example";
}

class EmbedTest : public EngineTest {};

TEST_P(EmbedTest, MigratesTheShopAtStartUpThenHasNothingToDo) {
  std::string shop = testing::SourceDir() + "/examples/shop/migrations";
  auto first = testing::Run({EmbedBin(), url(), shop});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("applied 0001_create_users"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("database ready: 12 migrations applied"), std::string::npos) << first.out;
  EXPECT_TRUE(HasTable("orders"));
  EXPECT_EQ(Recorded().size(), 12u);

  auto second = testing::Run({EmbedBin(), url(), shop});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("database ready: 0 migrations applied"), std::string::npos) << second.out;
}

TEST_P(EmbedTest, ReportsAFailureAndExitsOne) {
  auto r = testing::Run({EmbedBin(), url(), dir_.Path("no-such-dir")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("migrations directory not found"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: "), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, EmbedTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
