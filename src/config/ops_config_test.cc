// [notify] and the hook keys of strata.toml (docs/config.md#alerts-notify,
// #hooks): every key reaches Config, the environment's [notify] overrides the
// top level key by key, and bad values fail with the setting and line named.
#include <gtest/gtest.h>
#include <strata/redact.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "config/config.h"

namespace strata::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class OpsConfigTest : public ::testing::Test {
 protected:
  OpsConfigTest() {
    static int counter = 0;
    dir_ = (fs::temp_directory_path() / ("strata_ops_config_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter++)))
               .string();
    fs::create_directories(dir_);
  }
  ~OpsConfigTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Result<Config> Load(const std::string& toml, std::map<std::string, std::string> vars = {},
                      const std::string& env = "") {
    std::string path = dir_ + "/strata.toml";
    std::ofstream(path) << toml;
    Options o;
    o.config_path = path;
    o.env = env;
    GetEnv getenv = [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    return config::Load(o, getenv);
  }
  std::string dir_;
};

TEST_F(OpsConfigTest, EveryNotifyKeyIsRead) {
  std::ofstream(dir_ + "/ca.pem") << "x";
  auto c = Load(R"([notify]
on = ["failure", "success", "drift", "start"]
webhook = ["https://a.example/hook", "http://127.0.0.1:9/x"]
webhook_secret = "${WH}"
timeout = "2s"
retries = 5
retry_backoff = 250
smtp_url = "smtps://mail.example:465"
from = "strata <s@example.com>"
to = "ops@example.com"
smtp_user = "${SU}"
smtp_password = "${SP}"
starttls = false
ca_file = "ca.pem"
[env.dev]
url = "sqlite:dev.db"
)",
                {{"WH", "wh-secret-123"}, {"SU", "user"}, {"SP", "smtp-secret-456"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Notify& n = c->notify;
  EXPECT_TRUE(n.error.ok());
  EXPECT_EQ(n.on, (std::vector<std::string>{"failure", "success", "drift", "start"}));
  EXPECT_EQ(n.webhooks, (std::vector<std::string>{"https://a.example/hook", "http://127.0.0.1:9/x"}));
  EXPECT_EQ(n.webhook_secret, "wh-secret-123");
  EXPECT_EQ(n.timeout, milliseconds(2000));
  EXPECT_EQ(n.retries, 5);
  EXPECT_EQ(n.retry_backoff, milliseconds(250000));  // a plain number means seconds
  EXPECT_EQ(n.smtp_url, "smtps://mail.example:465");
  EXPECT_EQ(n.from, "strata <s@example.com>");
  EXPECT_EQ(n.to, (std::vector<std::string>{"ops@example.com"}));
  EXPECT_EQ(n.smtp_user, "user");
  EXPECT_EQ(n.smtp_password, "smtp-secret-456");
  EXPECT_FALSE(n.starttls);
  EXPECT_EQ(n.ca_file, dir_ + "/ca.pem");  // relative to strata.toml
  // Secrets and webhook URLs are masked from here on.
  EXPECT_EQ(Redact("x wh-secret-123 smtp-secret-456 https://a.example/hook"), "x **** **** ****");
}

TEST_F(OpsConfigTest, DefaultsWithoutNotify) {
  auto c = Load("[env.dev]\nurl = \"sqlite:dev.db\"\n");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->notify.configured());
  EXPECT_EQ(c->notify.on, std::vector<std::string>{"failure"});
  EXPECT_EQ(c->notify.retries, 3);
  EXPECT_EQ(c->notify.timeout, milliseconds(10000));
  EXPECT_EQ(c->notify.retry_backoff, milliseconds(1000));
  EXPECT_TRUE(c->notify.starttls);
  EXPECT_FALSE(c->env.hooks.any());
  EXPECT_EQ(c->env.hooks.timeout, milliseconds(60000));
}

TEST_F(OpsConfigTest, EnvironmentNotifyOverridesKeyByKey) {
  const char* toml = R"([notify]
on = ["failure"]
webhook = "https://hooks.example/all"
retries = 1
[env.dev]
url = "sqlite:dev.db"
[env.production]
url = "sqlite:prod.db"
[env.production.notify]
on = ["failure", "success", "start"]
)";
  auto prod = Load(toml, {}, "production");
  ASSERT_TRUE(prod.ok()) << prod.status().ToString();
  EXPECT_EQ(prod->notify.on, (std::vector<std::string>{"failure", "success", "start"}));
  EXPECT_EQ(prod->notify.webhooks, std::vector<std::string>{"https://hooks.example/all"});
  EXPECT_EQ(prod->notify.retries, 1);
  auto dev = Load(toml, {}, "dev");
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->notify.on, std::vector<std::string>{"failure"});
}

TEST_F(OpsConfigTest, EveryHookKeyIsRead) {
  auto c = Load(R"([env.dev]
url = "sqlite:dev.db"
before_up = "./drain.sh ${NOT_INTERPOLATED}"
after_up = "b"
on_failure = "c"
before_each = "d"
after_each = "e"
hook_timeout = "90s"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Hooks& h = c->env.hooks;
  EXPECT_EQ(h.before_up, "./drain.sh ${NOT_INTERPOLATED}");  // the shell expands it, not strata
  EXPECT_EQ(h.after_up, "b");
  EXPECT_EQ(h.on_failure, "c");
  EXPECT_EQ(h.before_each, "d");
  EXPECT_EQ(h.after_each, "e");
  EXPECT_EQ(h.timeout, milliseconds(90000));
}

TEST_F(OpsConfigTest, UnsetVariableOnlyDisablesAlerts) {
  auto c = Load("[notify]\nwebhook = \"https://x.example/h\"\nwebhook_secret = \"${MISSING}\"\n"
                "[env.dev]\nurl = \"sqlite:dev.db\"\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->notify.error.ok());
  EXPECT_NE(c->notify.error.ToString().find("MISSING is not set"), std::string::npos);
}

TEST_F(OpsConfigTest, BadValuesNameTheSettingAndLine) {
  struct Case {
    const char* toml;
    const char* expected;
  } cases[] = {
      {"[notify]\non = \"sometimes\"\n", "notify.on: unknown event \"sometimes\""},
      {"[notify]\nwebhook = \"ftp://x\"\n", "notify.webhook: expected an http:// or https:// URL"},
      {"[notify]\nwebhook_secret = \"plain\"\n", "notify.webhook_secret: write it as \"${VARIABLE}\""},
      {"[notify]\nsmtp_password = \"plain\"\n", "notify.smtp_password: write it as \"${VARIABLE}\""},
      {"[notify]\nsmtp_url = \"http://mail\"\nfrom = \"a@b\"\nto = \"c@d\"\n", "notify.smtp_url: expected an smtp://"},
      {"[notify]\nsmtp_url = \"smtp://mail:587\"\nto = \"c@d\"\n", "email alerts need `from` and `to`"},
      {"[notify]\nsmtp_url = \"smtp://mail:587\"\nfrom = \"a@b\"\nto = \"c@d\"\nstarttls = false\n"
       "smtp_password = \"${P}\"\n",
       "notify.starttls: starttls = false would send the SMTP password unencrypted"},
      {"[notify]\nretries = 11\n", "notify.retries: must be between 0 and 10"},
      {"[notify]\ntimeout = \"soon\"\n", "notify.timeout: bad duration 'soon'"},
      {"[notify]\nca_file = \"missing.pem\"\n", "notify.ca_file: missing.pem does not exist"},
      {"[notify]\nwebhok = \"x\"\n", "notify.webhok: unknown setting (did you mean 'webhook'?)"},
      {"notify = 3\n", "notify: expected a table"},
  };
  for (const auto& c : cases) {
    auto r = Load(std::string(c.toml) + "[env.dev]\nurl = \"sqlite:dev.db\"\n", {{"P", "pw-xyz"}});
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_NE(r.status().ToString().find(c.expected), std::string::npos) << r.status().ToString();
    EXPECT_EQ(r.status().file(), dir_ + "/strata.toml") << c.toml;
    EXPECT_GT(r.status().line(), 0) << c.toml;
  }
  auto hook = Load("[env.dev]\nurl = \"sqlite:dev.db\"\nbefore_up = 3\n");
  ASSERT_FALSE(hook.ok());
  EXPECT_NE(hook.status().ToString().find("env.dev.before_up: expected a shell command"), std::string::npos);
  auto timeout = Load("[env.dev]\nurl = \"sqlite:dev.db\"\nhook_timeout = \"0s\"\n");
  ASSERT_FALSE(timeout.ok());
  EXPECT_NE(timeout.status().ToString().find("env.dev.hook_timeout: must be more than 0"), std::string::npos);
  // Another environment's notify table is checked too.
  auto other = Load("[env.dev]\nurl = \"sqlite:dev.db\"\n[env.prod]\nurl = \"sqlite:p.db\"\n[env.prod.notify]\nonn = 1\n",
                    {}, "dev");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().ToString().find("env.prod.notify.onn: unknown setting"), std::string::npos);
}

}  // namespace
}  // namespace strata::config
