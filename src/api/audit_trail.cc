#include "api/audit_trail.h"

#include "api/migrator_impl.h"

#include <strata/redact.h>

namespace strata::api {

AuditTrail::AuditTrail(ops::AuditOptions options, EventSink* sink, std::string database)
    : log_(std::move(options)), sink_(sink), database_(std::move(database)) {}

void AuditTrail::OnEventRow(const engine::EventRow& row, bool in_transaction) {
  if (in_transaction) {
    pending_.push_back(row);
  } else {
    Write(row);
  }
}

void AuditTrail::TransactionEnded(bool committed) {
  std::vector<engine::EventRow> rows = std::move(pending_);
  pending_.clear();
  if (!committed) return;
  for (const auto& row : rows) Write(row);
}

void AuditTrail::Write(const engine::EventRow& row) {
  ops::AuditRecord r;
  r.time = row.occurred_at;
  r.kind = row.record.kind;
  r.outcome = row.record.outcome;
  r.environment = row.environment;
  r.command = command_;
  r.database = database_;
  r.version = row.record.version;
  r.name = row.record.name;
  r.batch = row.record.batch;
  r.duration_ms = row.record.duration_ms;
  r.actor = row.actor;
  r.db_user = row.db_user;
  r.host = row.host;
  r.strata_version = row.strata_version;
  r.error = row.record.error;
  r.statement = row.record.statement;
  r.detail = row.record.detail;
  Status s = log_.Append(r);
  // The event is in the database already (or the database is what failed):
  // a line that cannot be written is reported, not a reason to stop.
  if (!s.ok() && sink_) {
    Event e;
    e.kind = Event::Kind::kWarning;
    e.message = Redact("audit log: " + s.ToString());
    sink_->OnEvent(e);
  }
}

Status TransactionWatch::ExecScript(const std::string& sql) {
  return Watch([&] { return inner_->ExecScript(sql); });
}

Status TransactionWatch::ExecEach(const std::string& sql) {
  return Watch([&] { return inner_->ExecEach(sql); });
}

Result<driver::Rows> TransactionWatch::Query(std::string_view sql, const std::vector<driver::Value>& params) {
  return Watch([&] { return inner_->Query(sql, params); });
}

Status TransactionWatch::Begin() {
  // A row recorded while no transaction was open was written already; a
  // stale pending one cannot exist here, but never let one leak into the
  // next transaction.
  trail_.TransactionEnded(false);
  return inner_->Begin();
}

Status TransactionWatch::Commit() {
  Status s = inner_->Commit();
  // A failed COMMIT rolled the transaction back (PostgreSQL), or left it
  // open (SQLite busy): either way nothing is known to be committed yet.
  if (!inner_->in_transaction()) trail_.TransactionEnded(s.ok());
  return s;
}

Status TransactionWatch::Rollback() {
  Status s = inner_->Rollback();
  trail_.TransactionEnded(false);
  return s;
}

MigratorImpl::AuditScope::AuditScope(MigratorImpl& migrator, const char* command) : migrator_(migrator) {
  if (migrator_.audit_depth_++ > 0) return;
  migrator_.command_ = command;
  if (!migrator_.audit_) return;
  migrator_.audit_->set_command(command);
  status_ = migrator_.audit_->Open();
}

MigratorImpl::AuditScope::~AuditScope() {
  if (--migrator_.audit_depth_ > 0 || !migrator_.audit_) return;
  // The lines must be on disk before the command returns (docs/operations.md).
  Status s = migrator_.audit_->Sync();
  if (!s.ok() && migrator_.sink_) {
    Event e;
    e.kind = Event::Kind::kWarning;
    e.message = Redact("audit log: " + s.ToString());
    migrator_.sink_->OnEvent(e);
  }
}

}  // namespace strata::api
