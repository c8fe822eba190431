// The options of `strata serve`, shared by the strata binary (cmd_serve.cc,
// which shows them in --help, checks them and runs strata-serve) and by
// strata-serve itself (serve/main.cc), so the two always agree.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace strata::cli {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string token;
  std::string refresh = "10s";
  bool ready_requires_current = false;
  int threads = 32;
};

inline void AddServeFlags(CLI::App& app, ServeFlags& f) {
  app.add_option("--listen", f.listen, "Address to listen on, HOST:PORT (port 0: any free port)")
      ->type_name("ADDR")
      ->default_str("127.0.0.1:8080");
  app.add_option("--token", f.token,
                 "Require 'Authorization: Bearer TOKEN' for everything but /live (default $STRATA_SERVE_TOKEN)")
      ->type_name("TOKEN");
  app.add_option("--refresh", f.refresh, "How often the snapshot of the database is taken (500ms, 10s, 1m)")
      ->type_name("DURATION")
      ->default_str("10s");
  app.add_flag("--ready-requires-current", f.ready_requires_current,
               "/ready answers 503 while migrations are pending (default: pending is ready)");
  app.add_option("--threads", f.threads, "HTTP worker threads: connections served at once")
      ->type_name("N")
      ->default_str("32");
}

// "500ms", "10s", "1.5s", "2m", or plain seconds; nullopt otherwise.
inline std::optional<std::chrono::milliseconds> ParseServeDuration(std::string_view text) {
  size_t i = 0;
  double value = 0, scale = 0;
  bool digits = false;
  for (; i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.'); ++i) {
    if (text[i] == '.') {
      if (scale != 0) return std::nullopt;
      scale = 1;
      continue;
    }
    digits = true;
    if (scale == 0) {
      value = value * 10 + (text[i] - '0');
    } else {
      scale /= 10;
      value += (text[i] - '0') * scale;
    }
  }
  if (!digits || value > 1e9) return std::nullopt;
  std::string_view unit = text.substr(i);
  double ms = unit == "ms" ? value : unit == "s" || unit.empty() ? value * 1000 : unit == "m" ? value * 60000 : -1;
  if (ms < 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

}  // namespace strata::cli
