// strata::Status: the outcome of every library call that can fail.
//
// A Status is either OK or carries a Code, a message, an optional hint (what
// the user should do next), a location (file, line, column) when the failure
// points into a file, the SQLSTATE when the database gave one, and a context
// chain added layer by layer ("0003_orders.up.sql", "apply 0003"). Copyable,
// cheap when OK. Not thread-safe to mutate; safe to read from many threads.
//
// Messages never contain a password: every layer that builds one from user
// input passes it through strata::Redact (see redact.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,   // bad option, URL, setting or usage
    kNotFound,          // file, environment, version or object does not exist
    kParse,             // malformed strata.toml or SQL the tool must understand
    kValidation,        // migration set is inconsistent (duplicate, missing, out of order)
    kChecksumMismatch,  // an applied migration's file changed
    kDirty,             // a no-transaction migration did not finish
    kLocked,            // another runner holds the migration lock, or a lock timed out
    kDatabase,          // the database rejected a statement or the connection failed
    kIo,                // reading or writing a file failed
    kLint,              // lint errors block the operation
    kDrift,             // the live schema differs from the expected one
    kProtected,         // the environment is protected and the caller did not confirm
    kCancelled,         // interrupted by the user
    kUnsupported,       // the operation does not exist for this engine
    kInternal,          // a bug in strata
    kHook,              // a before_up / before_each hook failed or timed out: the run stopped there
  };

  Status() = default;  // OK
  Status(Code code, std::string message);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Parse(std::string msg) { return {Code::kParse, std::move(msg)}; }
  static Status Validation(std::string msg) { return {Code::kValidation, std::move(msg)}; }
  static Status ChecksumMismatch(std::string msg) { return {Code::kChecksumMismatch, std::move(msg)}; }
  static Status Dirty(std::string msg) { return {Code::kDirty, std::move(msg)}; }
  static Status Locked(std::string msg) { return {Code::kLocked, std::move(msg)}; }
  static Status Database(std::string msg) { return {Code::kDatabase, std::move(msg)}; }
  static Status Io(std::string msg) { return {Code::kIo, std::move(msg)}; }
  static Status Lint(std::string msg) { return {Code::kLint, std::move(msg)}; }
  static Status Drift(std::string msg) { return {Code::kDrift, std::move(msg)}; }
  static Status Protected(std::string msg) { return {Code::kProtected, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {Code::kCancelled, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status Hook(std::string msg) { return {Code::kHook, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }
  const std::string& file() const { return file_; }
  int line() const { return line_; }      // 1-based; 0 = unknown
  int column() const { return column_; }  // 1-based; 0 = unknown
  const std::string& sqlstate() const { return sqlstate_; }
  const std::vector<std::string>& context() const { return context_; }

  // Adds an outer context ("apply 0003_orders"). Outermost is printed first.
  Status& With(std::string context) &;
  Status With(std::string context) &&;
  // Sets what the user should do next ("run `strata repair 0003` after review").
  Status& WithHint(std::string hint) &;
  Status WithHint(std::string hint) &&;
  // Sets the location. A line or column of 0 leaves that part unknown. If the
  // file is already set, only fills the parts still unknown.
  Status& At(std::string file, int line = 0, int column = 0) &;
  Status At(std::string file, int line = 0, int column = 0) &&;
  Status& WithSqlState(std::string sqlstate) &;
  Status WithSqlState(std::string sqlstate) &&;

  // "file:line:col: context: context: message (SQLSTATE xxxxx)". No hint.
  std::string ToString() const;
  // Lower-case name of the code ("checksum_mismatch").
  static std::string_view CodeName(Code code);

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string hint_;
  std::string file_;
  int line_ = 0;
  int column_ = 0;
  std::string sqlstate_;
  std::vector<std::string> context_;  // innermost first
};

}  // namespace strata
