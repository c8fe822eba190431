// The content of alerts: the webhook's JSON and the email's text.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <strata/redact.h>
#include <strata/types.h>

#include "ops/notify.h"

namespace strata::ops {
namespace {

using Json = nlohmann::ordered_json;

std::string Label(const std::string& version, const std::string& name) {
  return name.empty() ? version : version + "_" + name;
}

std::string Duration(int64_t ms) {
  char buf[32];
  if (ms < 1000) std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
  else std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000.0);
  return buf;
}

// A header value cannot carry a line break: that would start a new header.
std::string HeaderValue(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

// "Name <a@b>" or "a@b".
std::string Mailbox(const std::string& s) { return HeaderValue(s); }

std::string Verb(const Alert& a) {
  size_t n = a.migrations.size();
  std::string count = std::to_string(n) + " migration" + (n == 1 ? "" : "s");
  if (a.command == "down") return "rolled back " + count;
  if (a.command == "redo") return "redid " + count;
  return "applied " + count;
}

}  // namespace

std::string DisplayTarget(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "(invalid URL)";
  std::string_view rest = url.substr(scheme + 3);
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string out = std::string(url.substr(0, scheme + 3)) + std::string(authority);
  if (slash != std::string_view::npos && slash + 1 < rest.size()) out += "/...";
  return out;
}

std::string DeliveryFailure::ToString() const {
  std::string out = channel + " " + target + " (" + event + " alert): " + error;
  if (attempts > 1) out += " after " + std::to_string(attempts) + " attempts";
  return out;
}

std::string AlertJson(const Alert& a, const std::string& delivery_id) {
  Json j;
  j["event"] = a.event;
  j["command"] = a.command;
  j["environment"] = a.environment.empty() ? Json(nullptr) : Json(a.environment);
  j["outcome"] = a.event == "start" ? "started" : a.event;
  j["database"] = a.database;
  j["versions"] = Json::array();
  j["migrations"] = Json::array();
  for (const auto& m : a.migrations) {
    j["versions"].push_back(m.version);
    j["migrations"].push_back(
        {{"version", m.version}, {"name", m.name}, {"direction", m.direction}, {"duration_ms", m.duration_ms}});
  }
  if (a.failed_version.empty()) {
    j["failed"] = nullptr;
  } else {
    j["failed"] = {{"version", a.failed_version}, {"name", a.failed_name}};
  }
  j["error"] = a.error.empty() ? Json(nullptr) : Json(a.error);
  j["details"] = a.details;
  j["duration_ms"] = a.duration_ms;
  j["batch"] = a.batch > 0 ? Json(a.batch) : Json(nullptr);
  j["host"] = a.host;
  j["actor"] = a.actor;
  j["strata_version"] = std::string(Version());
  j["occurred_at"] = a.occurred_at;
  j["delivery"] = delivery_id;
  return Redact(j.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string AlertSubject(const Alert& a) {
  std::string where = a.environment.empty() ? a.database : a.environment;
  std::string what;
  if (a.event == "start") {
    what = a.command + " started (" + std::to_string(a.migrations.size()) + " migration" +
           (a.migrations.size() == 1 ? ")" : "s)");
  } else if (a.event == "success") {
    what = a.command + " " + Verb(a) + (a.batch > 0 ? " (batch " + std::to_string(a.batch) + ")" : "");
  } else if (a.event == "failure") {
    what = a.command + " FAILED" + (a.failed_version.empty() ? "" : " at " + Label(a.failed_version, a.failed_name));
  } else {
    what = "drift detected (" + std::to_string(a.details.size()) + " difference" +
           (a.details.size() == 1 ? ")" : "s)");
  }
  return Redact(HeaderValue("[strata] " + where + ": " + what));
}

std::string AlertEmail(const Alert& a, const config::Notify& config, const std::string& message_id) {
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string to;
  for (const auto& t : config.to) to += (to.empty() ? "" : ", ") + Mailbox(t);
  std::string head = "Date: " + std::string(date) + "\r\nFrom: " + Mailbox(config.from) + "\r\nTo: " + to +
                     "\r\nSubject: " + AlertSubject(a) + "\r\nMessage-ID: <" + message_id +
                     ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\nX-Strata-Event: " + HeaderValue(a.event) + "\r\n\r\n";
  std::string body = AlertSubject(a).substr(9) + "\n\n";
  auto field = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    char label[32];
    std::snprintf(label, sizeof label, "%-13s", key);
    body += label + value + "\n";
  };
  field("Event:", a.event);
  field("Command:", "strata " + a.command);
  field("Environment:", a.environment);
  field("Database:", a.database);
  field("Host:", a.host + (a.actor.empty() ? "" : " (" + a.actor + ")"));
  field("When:", a.occurred_at);
  if (a.event != "start" && a.event != "drift") field("Duration:", Duration(a.duration_ms));
  if (a.batch > 0) field("Batch:", std::to_string(a.batch));
  if (!a.failed_version.empty()) field("Failed at:", Label(a.failed_version, a.failed_name));
  if (!a.error.empty()) body += "\nError:\n" + a.error + "\n";
  if (!a.migrations.empty()) {
    body += a.event == "start" ? "\nMigrations to run:\n" : "\nMigrations:\n";
    for (const auto& m : a.migrations) {
      body += "  " + m.direction + "  " + Label(m.version, m.name);
      if (a.event != "start") body += "  " + Duration(m.duration_ms);
      body += "\n";
    }
  }
  if (!a.details.empty()) {
    body += "\nDifferences:\n";
    for (const auto& d : a.details) body += "  " + d + "\n";
  }
  body += "\n-- \nstrata " + std::string(Version()) + "\n";
  // SMTP lines end in CRLF and must stay under 1000 bytes: fold long ones.
  std::string text;
  size_t column = 0;
  for (char c : Redact(body)) {
    if (c == '\r') continue;
    if (c == '\n') {
      text += "\r\n";
      column = 0;
      continue;
    }
    if (column >= 900) {
      text += "\r\n ";
      column = 1;
    }
    text += c;
    ++column;
  }
  return head + text;
}

}  // namespace strata::ops
