#include <strata/status.h>

namespace strata {

Status::Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

Status& Status::With(std::string context) & {
  if (!ok() && !context.empty()) context_.push_back(std::move(context));
  return *this;
}
Status Status::With(std::string context) && { return std::move(With(std::move(context))); }

Status& Status::WithHint(std::string hint) & {
  if (!ok()) hint_ = std::move(hint);
  return *this;
}
Status Status::WithHint(std::string hint) && { return std::move(WithHint(std::move(hint))); }

Status& Status::At(std::string file, int line, int column) & {
  if (ok()) return *this;
  if (file_.empty()) {
    // A driver knows the line within the SQL but not the file; the caller
    // names the file later and must keep that line.
    file_ = std::move(file);
    if (line != 0 || line_ == 0) line_ = line;
    if (column != 0 || column_ == 0) column_ = column;
  } else if (file_ == file) {
    if (line_ == 0) line_ = line;
    if (column_ == 0) column_ = column;
  }
  return *this;
}
Status Status::At(std::string file, int line, int column) && {
  return std::move(At(std::move(file), line, column));
}

Status& Status::WithSqlState(std::string sqlstate) & {
  if (!ok()) sqlstate_ = std::move(sqlstate);
  return *this;
}
Status Status::WithSqlState(std::string sqlstate) && { return std::move(WithSqlState(std::move(sqlstate))); }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out;
  if (!file_.empty()) {
    out += file_;
    if (line_ > 0) {
      out += ":" + std::to_string(line_);
      if (column_ > 0) out += ":" + std::to_string(column_);
    }
    out += ": ";
  }
  for (auto it = context_.rbegin(); it != context_.rend(); ++it) out += *it + ": ";
  out += message_;
  if (!sqlstate_.empty()) out += " (SQLSTATE " + sqlstate_ + ")";
  return out;
}

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kParse: return "parse";
    case Code::kValidation: return "validation";
    case Code::kChecksumMismatch: return "checksum_mismatch";
    case Code::kDirty: return "dirty";
    case Code::kLocked: return "locked";
    case Code::kDatabase: return "database";
    case Code::kIo: return "io";
    case Code::kLint: return "lint";
    case Code::kDrift: return "drift";
    case Code::kProtected: return "protected";
    case Code::kCancelled: return "cancelled";
    case Code::kUnsupported: return "unsupported";
    case Code::kInternal: return "internal";
    case Code::kHook: return "hook";
  }
  return "unknown";
}

}  // namespace strata
