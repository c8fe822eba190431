// The dashboard as a browser sees it: the real `strata serve` page loaded in
// headless Chromium (Debian's chromium, installed by scripts/setup), which
// takes a screenshot and dumps the DOM it rendered. Chromium reaches nothing
// but loopback: a dead proxy for everything else, no background networking.
// Checks the migration table, the SVG chart, the lint findings, that text
// from the database stays text (no markup injection), and the PNG.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../integration/harness.h"
#include "support/http_client.h"
#include "support/serve_process.h"

namespace strata::integration {
namespace {

std::string FindChromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

uint32_t BigEndian32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

class DashboardTest : public EngineTest {};

TEST_P(DashboardTest, RendersInHeadlessChromium) {
  std::string chromium = FindChromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup installs it)";
  // Two batches, a failure whose error carries markup, and a pending
  // migration with a lint error.
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");
  Write("0003_items.up.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY);\n");
  Write("0004_tags.up.sql", "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
  ASSERT_EQ(Strata({"up", "--to", "0002"}).exit_code, 0);
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  Write("0005_cleanup.up.sql", "SELECT '<script>alert(1)</script><b>x</b>' FROM no_such_table;\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 1);
  Write("0005_cleanup.up.sql", "DROP TABLE tags;\n");

  ops_test::ServeProcess serve({"--url", url(), "--dir", migrations(), "--refresh", "500ms"}, dir_.path());
  ASSERT_TRUE(serve.ok()) << serve.Stderr();
  ASSERT_TRUE(serve.WaitForSnapshot());

  std::string profile = dir_.Path("chromium-profile");
  std::filesystem::create_directories(profile);
  std::string png = dir_.Path("dashboard.png");
  testing::CommandOptions options;
  options.timeout_ms = 90000;
  options.env["HOME"] = dir_.path();  // nothing written to the real home
  auto r = testing::Run({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
                         "--disable-background-networking", "--no-first-run", "--disable-component-update",
                         "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=1280,1600",
                         "--screenshot=" + png, "--dump-dom", "http://" + serve.address() + "/"},
                        options);
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 4000);
  const std::string& dom = r.out;

  // The page loaded and rendered its state.
  EXPECT_NE(dom.find("<span class=\"badge pending\" id=\"state\">pending</span>"), std::string::npos) << dom;
  // The migration table: four applied in two batches, one pending.
  EXPECT_NE(dom.find("<table id=\"migrations\">"), std::string::npos);
  for (const char* v : {"0001", "0002", "0003", "0004"}) {
    EXPECT_NE(dom.find(std::string("<tr class=\"state-applied\" data-version=\"") + v + "\">"), std::string::npos) << v;
  }
  EXPECT_NE(dom.find("<tr class=\"state-pending\" data-version=\"0005\">"), std::string::npos);
  // The chart: one bar per applied migration, two batch bands.
  EXPECT_NE(dom.find("<svg id=\"timeline\""), std::string::npos);
  EXPECT_EQ(Count(dom, "class=\"bar b"), 4u);
  EXPECT_EQ(Count(dom, "class=\"band band"), 2u);
  EXPECT_NE(dom.find(">batch 1</text>"), std::string::npos);
  EXPECT_NE(dom.find(">batch 2</text>"), std::string::npos);
  // Lint of the pending migration.
  EXPECT_NE(dom.find("<table id=\"lint\">"), std::string::npos);
  EXPECT_NE(dom.find("drop-table"), std::string::npos);
  // The failure's error is shown as text: the browser made no element of it.
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  EXPECT_EQ(dom.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(dom.find("id=\"card-last-failure\""), std::string::npos);

  // The screenshot: a real PNG of the window's size, not an empty one.
  std::ifstream in(png, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string data = bytes.str();
  ASSERT_GT(data.size(), 30000u) << "screenshot missing or blank";
  EXPECT_EQ(data.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(data.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(data, 16), 1280u);
  EXPECT_EQ(BigEndian32(data, 20), 1600u);
  EXPECT_EQ(serve.Stop(SIGTERM), 0);
}

// Rendering does not depend on the engine: one is enough for the browser.
INSTANTIATE_TEST_SUITE_P(Engines, DashboardTest, ::testing::Values("sqlite"), EngineName);

}  // namespace
}  // namespace strata::integration
