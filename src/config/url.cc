#include "config/url.h"

#include <strata/redact.h>

#include "util/strings.h"

namespace strata::config {
namespace {

constexpr const char* kForms =
    "expected sqlite:PATH, sqlite::memory:, or postgres://user:password@host:port/database?sslmode=...";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes; false on a malformed escape.
bool Decode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      *out += in[i];
      continue;
    }
    if (i + 2 >= in.size() || HexValue(in[i + 1]) < 0 || HexValue(in[i + 2]) < 0) return false;
    *out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
    i += 2;
  }
  return true;
}

Status Bad(std::string_view why) {
  return Status::InvalidArgument("bad database URL: " + std::string(why)).WithHint(kForms);
}

Result<Url> ParseSqlite(std::string_view url) {
  Url u;
  u.scheme = Url::Scheme::kSqlite;
  u.raw = std::string(url);
  std::string_view rest = url.substr(7);  // after "sqlite:"
  if (rest == ":memory:" || rest == "//:memory:") {
    u.memory = true;
    return u;
  }
  // sqlite:///abs/path and sqlite://rel/path are common in other tools.
  if (util::StartsWith(rest, "//")) rest.remove_prefix(2);
  size_t q = rest.find('?');
  if (q != std::string_view::npos) rest = rest.substr(0, q);
  if (rest.empty()) return Bad("sqlite: URL has no file path");
  if (!Decode(rest, &u.path)) return Bad("malformed %-escape in the file path");
  return u;
}

Result<Url> ParsePostgres(std::string_view url, size_t scheme_len) {
  Url u;
  u.scheme = Url::Scheme::kPostgres;
  u.raw = std::string(url);
  std::string_view rest = url.substr(scheme_len);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest, path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::string_view user = userinfo, password;
    bool has_password = false;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
      has_password = true;
    }
    if (has_password) {
      RegisterSecret(password);
      if (!Decode(password, &u.password)) return Bad("malformed %-escape in the password");
      RegisterSecret(u.password);
    }
    if (!Decode(user, &u.user)) return Bad("malformed %-escape in the user name");
  }
  // host[:port]; [v6]:port; comma-separated multi-host lists are passed to libpq as they are.
  std::string_view host = authority, port;
  if (util::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("unterminated [ in the host");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (util::StartsWith(after, ":")) port = after.substr(1);
  } else if (authority.find(',') == std::string_view::npos) {
    if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  for (char c : port) {
    if (c < '0' || c > '9') return Bad("port '" + std::string(port) + "' is not a number");
  }
  if (!port.empty() && (port.size() > 5 || std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0)) {
    return Bad("port " + std::string(port) + " is out of range");
  }
  if (!Decode(host, &u.host)) return Bad("malformed %-escape in the host");
  u.port = std::string(port);
  if (!Decode(path, &u.database)) return Bad("malformed %-escape in the database name");
  if (u.database.find('/') != std::string::npos) return Bad("database name contains '/'");
  for (const std::string& pair : util::SplitString(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) return Bad("query parameter '" + Redact(pair) + "' is not key=value");
    std::string key, value;
    if (!Decode(pair.substr(0, eq), &key) || !Decode(pair.substr(eq + 1), &value)) {
      return Bad("malformed %-escape in a query parameter");
    }
    if (key == "password") {
      RegisterSecret(value);
      RegisterSecret(pair.substr(eq + 1));
    }
    u.query[key] = value;
  }
  return u;
}

}  // namespace

namespace {

std::string Encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    unsigned char u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
                 u == '_' || u == '.' || u == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string WithDatabase(std::string_view url, std::string_view database) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t authority_end = url.find_first_of("/?#", start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  size_t path_end = url.find_first_of("?#", authority_end);
  if (path_end == std::string_view::npos) path_end = url.size();
  return std::string(url.substr(0, authority_end)) + "/" + Encode(database) + std::string(url.substr(path_end));
}

std::string WithSearchPath(std::string_view url, std::string_view schema) {
  const std::string setting = Encode("-c search_path=" + std::string(schema));
  size_t hash = url.find('#');
  std::string_view head = url.substr(0, hash);
  std::string_view tail = hash == std::string_view::npos ? std::string_view() : url.substr(hash);
  size_t q = head.find('?');
  if (q == std::string_view::npos) return std::string(head) + "?options=" + setting + std::string(tail);
  std::string out(head.substr(0, q + 1));
  bool added = false;
  for (const std::string& pair : util::SplitString(head.substr(q + 1), '&')) {
    if (pair.empty()) continue;
    if (out.back() != '?') out += '&';
    if (!added && util::StartsWith(pair, "options=")) {
      out += pair + "%20" + setting;
      added = true;
    } else {
      out += pair;
    }
  }
  if (!added) out += std::string(out.back() == '?' ? "" : "&") + "options=" + setting;
  return out + std::string(tail);
}

std::string Url::Redacted() const { return RedactUrl(raw); }

void RegisterUrlSecrets(std::string_view text) {
  for (size_t pos = text.find("://"); pos != std::string_view::npos; pos = text.find("://", pos + 3)) {
    std::string_view rest = text.substr(pos + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?# \t\n"));
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    std::string_view userinfo = authority.substr(0, at);
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      RegisterSecret(userinfo.substr(colon + 1));
    }
  }
  for (size_t pos = text.find("password="); pos != std::string_view::npos; pos = text.find("password=", pos + 9)) {
    std::string_view value = text.substr(pos + 9);
    RegisterSecret(value.substr(0, value.find_first_of("& \t\n")));
  }
}

Result<Url> ParseUrl(std::string_view url) {
  std::string_view trimmed = util::Trim(url);
  if (trimmed.empty()) return Bad("the URL is empty");
  if (util::StartsWith(trimmed, "sqlite:")) return ParseSqlite(trimmed);
  if (util::StartsWith(trimmed, "postgres://")) return ParsePostgres(trimmed, 11);
  if (util::StartsWith(trimmed, "postgresql://")) return ParsePostgres(trimmed, 13);
  size_t colon = trimmed.find(':');
  std::string scheme = colon == std::string_view::npos ? std::string(trimmed) : std::string(trimmed.substr(0, colon));
  if (colon == std::string_view::npos) return Bad("'" + RedactUrl(trimmed) + "' has no scheme");
  return Bad("unknown scheme '" + RedactUrl(scheme) + "'");
}

}  // namespace strata::config
