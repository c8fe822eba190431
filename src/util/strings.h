// String helpers without a better home.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::util {

std::string_view Trim(std::string_view s);
std::vector<std::string> SplitString(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);
// True when `s` is valid UTF-8. On false, *bad_offset is the first bad byte.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);
// Levenshtein distance: the edits from a to b, for "did you mean" (a typo is
// within 2).
size_t EditDistance(std::string_view a, std::string_view b);
// `text` as SQL line comments: "-- " before it and after each of its line
// breaks (\n, \r\n, \r). A name or type holding a line break must not end
// the comment and leave the rest of its text to run as SQL.
std::string SqlComment(std::string_view text);

}  // namespace strata::util
