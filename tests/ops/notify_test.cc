// Alerts end to end: the real strata binary sends them to a real local HTTP
// server (cpp-httplib) and a real local SMTP server with STARTTLS and AUTH
// (support/smtp_sink.h). Payload, signature, retries and backoff, and that a
// failing alert never fails the migration: a warning and a `notify` event.
#include <openssl/hmac.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "../integration/harness.h"
#include "support/smtp_sink.h"
#include "support/webhook_receiver.h"

namespace strata::integration {
namespace {

using Json = nlohmann::json;
using ops_test::SmtpSink;
using ops_test::WebhookReceiver;
using namespace std::chrono_literals;

constexpr const char* kSecret = "whsec-8f1e2d3c4b5a69788796a5b4";
constexpr const char* kSmtpPassword = "smtp-Pw-0a9b8c7d";

std::string Hmac(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &len);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

class NotifyTest : public EngineTest {
 protected:
  // strata.toml: one environment "dev" on this test's database plus `notify`.
  void Config(const std::string& notify) {
    dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n\n[notify]\n" + notify);
  }
  testing::CommandResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    testing::CommandOptions o;
    o.cwd = dir_.path();
    o.env = std::move(env);
    o.env.emplace("HOOK_SECRET", kSecret);
    o.env.emplace("SMTP_USER", "alerts");
    o.env.emplace("SMTP_PASSWORD", kSmtpPassword);
    o.timeout_ms = 60000;
    return testing::RunStrata(args, o);
  }
  std::vector<std::string> NotifyEvents() {
    if (!HasTable("strata_events")) return {};
    return Rows("SELECT outcome || '|' || coalesce(error, '') || '|' || coalesce(detail, '') FROM strata_events "
                "WHERE kind = 'notify' ORDER BY id");
  }
  void ExpectNoSecret(const std::string& text) {
    EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
    EXPECT_EQ(text.find(kSmtpPassword), std::string::npos) << text;
  }
};

TEST_P(NotifyTest, WebhookCarriesTheRunAndAVerifiableSignature) {
  WebhookReceiver hook;
  Config("on = [\"start\", \"failure\", \"success\"]\nwebhook = [\"" + hook.Url("/alerts/T0K3N-in-path") +
         "\"]\nwebhook_secret = \"${HOOK_SECRET}\"\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Write("0002_bad.up.sql", "CREATE TABLE t (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n");
  auto failed = Run({"up"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  auto requests = hook.requests();
  ASSERT_EQ(requests.size(), 2u) << failed.err;  // start, failure
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/alerts/T0K3N-in-path");
    EXPECT_EQ(r.Header("content-type"), "application/json");
    EXPECT_EQ(r.Header("user-agent").rfind("strata/", 0), 0u);
    EXPECT_EQ(r.Header("x-strata-delivery").size(), 32u);
    // The receiver's check, as docs/operations.md describes it.
    EXPECT_EQ(r.Header("x-strata-signature-256"), "sha256=" + Hmac(kSecret, r.body));
    ExpectNoSecret(r.body);
  }
  Json start = Json::parse(requests[0].body);
  EXPECT_EQ(requests[0].Header("x-strata-event"), "start");
  EXPECT_EQ(start["event"], "start");
  EXPECT_EQ(start["outcome"], "started");
  EXPECT_EQ(start["versions"], Json::array({"0001", "0002"}));
  Json f = Json::parse(requests[1].body);
  EXPECT_EQ(f["event"], "failure");
  EXPECT_EQ(f["command"], "up");
  EXPECT_EQ(f["environment"], "dev");
  EXPECT_EQ(f["outcome"], "failure");
  EXPECT_EQ(f["versions"], Json::array({"0001"}));  // what ran before the failure
  EXPECT_EQ(f["failed"]["version"], "0002");
  EXPECT_EQ(f["failed"]["name"], "bad");
  EXPECT_NE(f["error"].get<std::string>().find("no_such_table"), std::string::npos) << f.dump();
  EXPECT_GE(f["duration_ms"].get<int64_t>(), 0);
  EXPECT_FALSE(f["host"].get<std::string>().empty());
  EXPECT_EQ(f["strata_version"], "0.1.0");
  EXPECT_FALSE(f["occurred_at"].get<std::string>().empty());
  // Tampering with the body breaks the signature.
  EXPECT_NE(requests[1].Header("x-strata-signature-256"), "sha256=" + Hmac(kSecret, requests[1].body + " "));

  Write("0002_bad.up.sql", "CREATE TABLE t (id INTEGER);\n");
  auto ok = Run({"up"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  requests = hook.requests();
  ASSERT_EQ(requests.size(), 4u);
  Json s = Json::parse(requests[3].body);
  EXPECT_EQ(s["event"], "success");
  EXPECT_EQ(s["versions"], Json::array({"0002"}));
  EXPECT_EQ(s["batch"], 2);
  EXPECT_TRUE(s["failed"].is_null());
  EXPECT_TRUE(s["error"].is_null());
  // Nothing to do: no news, no alert.
  EXPECT_EQ(Run({"up"}).exit_code, 0);
  EXPECT_EQ(hook.requests().size(), 4u);
  EXPECT_TRUE(NotifyEvents().empty());
}

TEST_P(NotifyTest, RetriesWithBackoffUnderOneDeliveryId) {
  WebhookReceiver hook({503, 502, 200});
  Config("on = [\"success\"]\nwebhook = \"" + hook.Url("/h") + "\"\nretry_backoff = \"150ms\"\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto requests = hook.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Header("x-strata-delivery"), requests[2].Header("x-strata-delivery"));
  EXPECT_EQ(requests[0].body, requests[2].body);
  // Backoff doubles: 150 ms, then 300 ms.
  EXPECT_GE(requests[1].at - requests[0].at, 140ms);
  EXPECT_GE(requests[2].at - requests[1].at, 290ms);
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_TRUE(NotifyEvents().empty());
}

TEST_P(NotifyTest, AnUndeliverableAlertNeverFailsTheMigration) {
  WebhookReceiver down({500});
  WebhookReceiver refusing({400});
  Config("on = [\"success\"]\nwebhook = [\"" + down.Url("/secret-path-abc") + "\", \"" + refusing.Url("/x") +
         "\"]\nretries = 2\nretry_backoff = \"50ms\"\nwebhook_secret = \"${HOOK_SECRET}\"\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  auto r = Run({"up", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(HasTable("users"));
  EXPECT_FALSE(Json::parse(r.out, nullptr, false).is_discarded()) << "stdout stays one JSON document: " << r.out;
  EXPECT_EQ(down.requests().size(), 3u);      // 1 + retries
  EXPECT_EQ(refusing.requests().size(), 1u);  // 4xx: retrying cannot help
  std::string target = "http://127.0.0.1:" + std::to_string(down.port()) + "/...";
  EXPECT_NE(r.err.find("warning: alert not delivered: webhook " + target + " (success alert): HTTP 500 after 3 attempts"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("HTTP 400"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("secret-path-abc"), std::string::npos) << "a webhook path may be a credential: " << r.err;
  ExpectNoSecret(r.out + r.err);
  auto events = NotifyEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].substr(0, 8), "failure|");
  EXPECT_NE(events[0].find("\"attempts\":3"), std::string::npos) << events[0];
  EXPECT_NE(events[0].find("\"channel\":\"webhook\""), std::string::npos) << events[0];
  EXPECT_EQ(events[0].find("secret-path-abc"), std::string::npos) << events[0];
  // Health counts them, but they are not the database's last failure.
  auto health = Json::parse(Run({"health", "--json"}).out);
  EXPECT_EQ(health["failures"]["notify"], 2);
  EXPECT_TRUE(health["last_failure"].is_null());
}

TEST_P(NotifyTest, EmailOverStartTlsWithCredentials) {
  SmtpSink sink(dir_.path(), {});
  ASSERT_GT(sink.port(), 0);
  Config("on = [\"failure\"]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(sink.port()) +
         "\"\nfrom = \"strata <strata@example.com>\"\nto = [\"ops@example.com\", \"dba@example.com\"]\n"
         "smtp_user = \"${SMTP_USER}\"\nsmtp_password = \"${SMTP_PASSWORD}\"\nca_file = \"" + sink.ca_file() + "\"\n");
  Write("0001_bad.up.sql", "INSERT INTO no_such_table VALUES (1);\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u) << r.err;
  const auto& m = messages[0];
  EXPECT_TRUE(m.tls) << "STARTTLS before anything else";
  EXPECT_EQ(m.auth_user, "alerts");
  EXPECT_EQ(m.auth_password, kSmtpPassword);
  EXPECT_EQ(m.mail_from, "<strata@example.com>");
  EXPECT_EQ(m.rcpt, (std::vector<std::string>{"<ops@example.com>", "<dba@example.com>"}));
  EXPECT_NE(m.data.find("Subject: [strata] dev: up FAILED at 0001_bad\r\n"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("From: strata <strata@example.com>\r\n"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("To: ops@example.com, dba@example.com\r\n"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("Environment: dev\r\n"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("Failed at:   0001_bad\r\n"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("no_such_table"), std::string::npos) << m.data;
  ExpectNoSecret(m.data);
  ExpectNoSecret(r.out + r.err);
}

TEST_P(NotifyTest, EmailRetriesATemporaryRefusal) {
  SmtpSink sink(dir_.path(), {.offer_starttls = true, .refuse_first = 2});
  Config("on = [\"success\"]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(sink.port()) +
         "\"\nfrom = \"strata@example.com\"\nto = \"ops@example.com\"\nretry_backoff = \"50ms\"\nca_file = \"" +
         sink.ca_file() + "\"\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sink.connections(), 3);
  ASSERT_EQ(sink.messages().size(), 1u) << r.err;
  EXPECT_NE(sink.messages()[0].data.find("applied 1 migration"), std::string::npos);
  EXPECT_TRUE(NotifyEvents().empty());
}

TEST_P(NotifyTest, NoStartTlsMeansNoMailAndNoPasswordSent) {
  SmtpSink sink(dir_.path(), {.offer_starttls = false, .refuse_first = 0});
  Config("on = [\"success\"]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(sink.port()) +
         "\"\nfrom = \"strata@example.com\"\nto = \"ops@example.com\"\nsmtp_user = \"${SMTP_USER}\"\n"
         "smtp_password = \"${SMTP_PASSWORD}\"\nretries = 0\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(sink.messages().empty());
  EXPECT_TRUE(sink.auth_passwords().empty());
  EXPECT_NE(r.err.find("warning: alert not delivered: email smtp://127.0.0.1:"), std::string::npos) << r.err;
  ASSERT_EQ(NotifyEvents().size(), 1u);
  ExpectNoSecret(r.err);
}

TEST_P(NotifyTest, TimeoutBoundsEachAttempt) {
  WebhookReceiver slow({200}, 3000ms);
  Config("on = [\"success\"]\nwebhook = \"" + slow.Url("/slow") + "\"\ntimeout = \"300ms\"\nretries = 1\n"
         "retry_backoff = \"10ms\"\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  auto start = std::chrono::steady_clock::now();
  auto r = Run({"up"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(took, 2500ms) << "two attempts of 300 ms, not the receiver's 3 s";
  EXPECT_NE(r.err.find("(success alert): "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("after 2 attempts"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("imed out"), std::string::npos) << r.err;
}

TEST_P(NotifyTest, PlainSmtpWhenStartTlsIsOff) {
  // A local relay without TLS: allowed with starttls = false (and a password
  // is accepted only because the relay is on loopback).
  SmtpSink sink(dir_.path(), {.offer_starttls = false, .refuse_first = 0});
  Config("on = [\"success\"]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(sink.port()) +
         "\"\nfrom = \"strata@example.com\"\nto = \"ops@example.com\"\nstarttls = false\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(sink.messages().size(), 1u) << r.err;
  EXPECT_FALSE(sink.messages()[0].tls);
}

INSTANTIATE_TEST_SUITE_P(Engines, NotifyTest, ::testing::Values("sqlite", "postgres"), EngineName);

class NotifyConfigTest : public EngineTest {};

TEST_P(NotifyConfigTest, DriftAlertAndConfigurationErrors) {
  WebhookReceiver hook;
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n[env.dev.notify]\non = [\"drift\"]\nwebhook = \"" +
                                hook.Url("/d") + "\"\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  testing::CommandOptions o;
  o.cwd = dir_.path();
  ASSERT_EQ(testing::RunStrata({"up"}, o).exit_code, 0);
  EXPECT_TRUE(hook.requests().empty());  // `on` has no success
  Rows("CREATE TABLE stray (id INTEGER)");
  auto drift = testing::RunStrata({"drift"}, o);
  EXPECT_EQ(drift.exit_code, 5) << drift.err;
  ASSERT_EQ(hook.requests().size(), 1u);
  Json d = Json::parse(hook.requests()[0].body);
  EXPECT_EQ(d["event"], "drift");
  EXPECT_EQ(d["command"], "drift");
  ASSERT_FALSE(d["details"].empty());
  EXPECT_NE(d["details"][0].get<std::string>().find("stray"), std::string::npos) << d.dump();

  // A secret written into the file is refused; an unset one only stops the alerts.
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n[notify]\nwebhook = \"" + hook.Url("/d") +
                                "\"\nwebhook_secret = \"literal-secret\"\n");
  auto literal = testing::RunStrata({"status"}, o);
  EXPECT_EQ(literal.exit_code, 2);
  EXPECT_NE(literal.err.find("notify.webhook_secret: write it as \"${VARIABLE}\""), std::string::npos) << literal.err;
  EXPECT_EQ(literal.err.find("literal-secret"), std::string::npos) << literal.err;
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n[notify]\non = [\"success\"]\nwebhook = \"" +
                                hook.Url("/d") + "\"\nwebhook_secret = \"${NOT_SET_ANYWHERE}\"\n");
  Write("0002_more.up.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);\n");
  auto unset = testing::RunStrata({"up"}, o);
  EXPECT_EQ(unset.exit_code, 0) << unset.err;
  EXPECT_TRUE(HasTable("more"));
  EXPECT_NE(unset.err.find("not sent: "), std::string::npos) << unset.err;
  EXPECT_NE(unset.err.find("NOT_SET_ANYWHERE is not set"), std::string::npos) << unset.err;
  EXPECT_EQ(hook.requests().size(), 1u);
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n[notify]\non = [\"failure\", \"sucess\"]\n");
  auto typo = testing::RunStrata({"status"}, o);
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("notify.on: unknown event \"sucess\""), std::string::npos) << typo.err;
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n[notify]\nwebhok = \"x\"\n");
  auto key = testing::RunStrata({"status"}, o);
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find("did you mean 'webhook'"), std::string::npos) << key.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, NotifyConfigTest, ::testing::Values("sqlite"), EngineName);

}  // namespace
}  // namespace strata::integration
