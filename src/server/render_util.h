// Small text helpers for the server's renderers: HTML and Prometheus escaping,
// RFC 3339 parsing and number formatting. The server includes only public
// headers, so it keeps its own copies of these few lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::server {

// &, <, >, " and ' as entities: safe in element text and quoted attributes.
std::string Html(std::string_view text);
// A Prometheus label value: backslash, double quote and newline escaped.
std::string PromLabel(std::string_view text);
// Unix milliseconds of "2026-11-22T09:30:00Z" / "2026-11-22T09:30:00.123Z"
// (the UTC form strata records); nullopt for anything else.
std::optional<int64_t> ParseUtcMillis(std::string_view text);
// Milliseconds as seconds with millisecond precision: 12 -> "0.012".
std::string Seconds(int64_t ms);
// "12 ms", "1.2 s", "3m 05s".
std::string Duration(int64_t ms);
// Unix milliseconds now.
int64_t NowMillis();
// "2026-11-22T09:30:00Z" for Unix milliseconds.
std::string UtcTime(int64_t ms);

}  // namespace strata::server
