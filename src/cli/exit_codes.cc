#include "cli/exit_codes.h"

namespace strata::cli {

int ExitCode(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return kExitOk;
    case Status::Code::kInvalidArgument: return kExitUsage;
    case Status::Code::kLint: return 4;
    case Status::Code::kDrift: return 5;
    case Status::Code::kValidation:
    case Status::Code::kChecksumMismatch:
    case Status::Code::kDirty: return 6;
    case Status::Code::kCancelled: return 130;  // 128 + SIGINT, as a shell reports Ctrl-C
    default: return kExitError;
  }
}

}  // namespace strata::cli
