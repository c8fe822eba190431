// JSON documents of strata's reports, in the shapes docs/json.md documents
// (the same `strata ... --json` prints). For embedders that hand results on
// as text, and for the C ABI (strata.h). Each returns one pretty-printed
// (indent 2) document without a trailing newline. Stable: fields may be
// added, never renamed or removed; absent values are null.
#pragma once

#include <string>

#include <strata/types.h>

namespace strata {

std::string ToJson(const StatusReport& report);      // `strata status --json`
std::string ToJson(const ValidationReport& report);  // `strata validate --json`
std::string ToJson(const ImportReport& report);      // `strata import --json`

}  // namespace strata
