// Unit tests of the server's renderers and token check, on made-up snapshots:
// what the end-to-end tests cannot reach (migration names are normalised to
// [a-z0-9_], so escaping needs hostile values written here).
#include <gtest/gtest.h>

#include "server/auth.h"
#include "server/dashboard.h"
#include "server/metrics.h"
#include "server/render_util.h"
#include "support/prom_text.h"

namespace strata::server {
namespace {

Snapshot Hostile() {
  Snapshot s;
  s.taken_at_ms = 1796545928526;
  s.taken_at = "2026-12-06T08:32:08Z";
  s.health.environment = "prod \"eu\"\\west\nline";
  s.health.dialect = "sqlite";
  s.health.reachable = true;
  s.health.state = HealthState::kHealthy;
  s.health.failures = {{"apply", 2}, {"we\"ird", 1}};
  s.has_status = true;
  MigrationInfo m;
  m.version = "0001";
  m.name = "a\"b\\c\nd<script>";
  m.state = MigrationState::kApplied;
  m.batch = 1;
  m.applied_at = "2026-12-06T08:30:00Z";
  m.duration_ms = 1234;
  s.status.migrations.push_back(m);
  return s;
}

TEST(RenderUtilTest, Escaping) {
  EXPECT_EQ(PromLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(Html("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(ParseUtcMillis("2026-12-06T08:32:08Z"), 1796545928000);
  EXPECT_EQ(ParseUtcMillis("2026-12-06T08:32:08.526Z"), 1796545928526);
  EXPECT_EQ(ParseUtcMillis("2026-12-06 08:32:08"), std::nullopt);
  EXPECT_EQ(Seconds(1234), "1.234");
  EXPECT_EQ(Seconds(5), "0.005");
}

TEST(MetricsTest, HostileLabelValuesSurviveAStrictParser) {
  Snapshot s = Hostile();
  std::string text = RenderMetrics(s) + RenderAgeMetrics(s, s.taken_at_ms + 2500);
  auto prom = ops_test::ParsePromText(text);
  ASSERT_EQ(prom.error, "") << text;
  EXPECT_EQ(prom.Value("strata_info", {{"environment", "prod \"eu\"\\west\nline"}}), 1);
  EXPECT_EQ(prom.Value("strata_migration_duration_seconds", {{"name", "a\"b\\c\nd<script>"}}), 1.234);
  EXPECT_EQ(prom.Value("strata_migration_applied_timestamp_seconds", {{"version", "0001"}}), 1796545800);
  EXPECT_EQ(prom.Value("strata_failures_total", {{"kind", "we\"ird"}}), 1);
  EXPECT_EQ(prom.Value("strata_failures_total", {{"kind", "rollback"}}), 0);
  EXPECT_EQ(prom.Value("strata_snapshot_age_seconds"), 2.5);
  for (const auto& f : prom.families) EXPECT_FALSE(f.help.empty()) << f.name;
}

TEST(MetricsTest, TheParserRejectsWhatPrometheusWould) {
  // The checker must fail: otherwise the metrics tests prove nothing.
  const char* bad[] = {
      "x 1",                                                  // no final newline
      "x 1\n",                                                // sample without TYPE
      "# TYPE x gauge\nx{a=\"b} 1\n",                         // unterminated label value
      "# TYPE x gauge\nx{a=\"b\\q\"} 1\n",                    // bad escape
      "# TYPE x gauge\nx 1\nx 2\n",                           // duplicate series
      "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"1\"} 1\n",  // family split
      "# TYPE x gauge\nx one\n",                              // bad value
      "# TYPE x gauges\nx 1\n",                               // unknown type
      "# TYPE 1x gauge\n",                                    // bad name
      "# TYPE x gauge\nx{__a=\"1\"} 1\n",                     // reserved label name
  };
  for (const char* text : bad) EXPECT_NE(ops_test::ParsePromText(text).error, "") << text;
}

TEST(DashboardTest, EverythingFromTheDatabaseIsEscaped) {
  Snapshot s = Hostile();
  EventInfo e;
  e.kind = "apply";
  e.outcome = "failure";
  e.error = "</td><script>alert(1)</script>";
  s.events.push_back(e);
  std::string html = RenderDashboard(s, ServeOptions{});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("prod &quot;eu&quot;"), std::string::npos);
  std::string svg = RenderTimeline(s.status.migrations);
  EXPECT_NE(svg.find("class=\"bar b1\" data-version=\"0001\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("a&quot;b\\c\nd&lt;script&gt;: 1.2 s, batch 1"), std::string::npos) << svg;
  EXPECT_NE(RenderTimeline({}).find("Nothing applied yet."), std::string::npos);
}

TEST(AuthTest, BearerAndBasic) {
  const std::string token = "s3cret-token";
  EXPECT_TRUE(Authorized("Bearer s3cret-token", token));
  EXPECT_TRUE(Authorized("bearer   s3cret-token  ", token));
  EXPECT_FALSE(Authorized("Bearer s3cret-tokem", token));
  EXPECT_FALSE(Authorized("Bearer s3cret-token-and-more", token));
  EXPECT_FALSE(Authorized("Bearer ", token));
  EXPECT_FALSE(Authorized("", token));
  EXPECT_FALSE(Authorized("Token s3cret-token", token));
  EXPECT_TRUE(Authorized("Basic dTpzM2NyZXQtdG9rZW4=", token));   // u:s3cret-token
  EXPECT_FALSE(Authorized("Basic dTpzM2NyZXQtdG9rZW0=", token));  // u:s3cret-tokem
  EXPECT_FALSE(Authorized("Basic !!!", token));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "abc"));
}

}  // namespace
}  // namespace strata::server
