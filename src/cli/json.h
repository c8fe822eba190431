// JSON renderers for every result the CLI prints with --json. The only file
// that uses nlohmann/json. Shapes are documented in docs/json.md and are
// stable: fields may be added, never renamed or removed; absent values are
// null rather than missing so that every object has the same keys.
// Each function returns one pretty-printed (indent 2) document, no newline.
// Status, validate and import documents come from the library
// (<strata/json.h>), which the C ABI shares.
#pragma once

#include <string>

#include <strata/json.h>
#include <strata/status.h>
#include <strata/types.h>

namespace strata::cli {

std::string ToJson(const ApplyReport& report);
std::string ToJson(const BaselineReport& report);
std::string ToJson(const RepairReport& report);
std::string ToJson(const InitReport& report);
std::string ToJson(const NewReport& report);
std::string ToJson(const InspectReport& report);
std::string ToJson(const LintReport& report);
std::string ToJson(const PlanReport& report);
std::string ToJson(const ImpactReport& report);
std::string ToJson(const DiffReport& report);
std::string ToJson(const GenerateReport& report);
std::string ToJson(const DriftReport& report);
std::string ToJson(const PushReport& report);
std::string ToJson(const TestReport& report);
std::string ToJson(const VerifyReport& report);
std::string ToJson(const BackupReport& report);
std::string ToJson(const BackupsReport& report);
std::string ToJson(const RestoreReport& report);
std::string ToJson(const ResetReport& report);

// {"error": {"code": exit_code, "kind": "checksum_mismatch", "message": ...,
//  "file", "line", "column", "sqlstate", "hint"}}; empty fields omitted.
std::string ErrorJson(const Status& status, int exit_code);

}  // namespace strata::cli
