#include "driver/postgres/postgres_connection.h"

#include "driver/postgres/libpq.h"
#include "driver/postgres/postgres_inspect.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>

#include <strata/redact.h>

#include "sql/split.h"
#include "util/strings.h"

namespace strata::driver {
namespace {

struct ResultClear {
  void operator()(PGresult* res) const { pq::api().PQclear(res); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClear>;

// libpq messages end in "\n" and continue lines with "\n\t"; one line reads
// better inside "cannot connect to ...: <message>".
std::string OneLine(std::string_view message) {
  // libpq writes one sentence per line ("Connection refused\n\tIs the server
  // running ..."): keep them apart with "; " on the single line.
  std::string out;
  for (char c : util::Trim(message)) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ' && out.back() != ';') out += "; ";
    } else if (c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// A connection libpq found closed under it (the server restarted, crashed,
// or the network went): say so first, and mark it 08006 (connection_failure)
// when the server had no chance to send an SQLSTATE, so that callers can
// tell (driver::IsConnectionLost) without reading libpq's wording.
Status ConnectionLost(Status status, const PGconn* conn) {
  if (conn == nullptr || pq::api().PQstatus(conn) != CONNECTION_BAD) return status;
  Status lost(status.code(), "lost the connection to the database server: " + status.message());
  lost.WithSqlState(status.sqlstate().empty() ? "08006" : status.sqlstate());
  if (!status.hint().empty()) lost.WithHint(status.hint());
  return lost;
}

// The one place libpq errors become a Status. A lock timeout (55P03) and a
// deadlock (40P01) are kLocked: the runner retries those with backoff.
// `res` may be null (out of memory, lost connection): then `conn` explains.
Status FromPgResult(const PGresult* res, const PGconn* conn) {
  if (res == nullptr) return ConnectionLost(Status::Database(OneLine(pq::api().PQerrorMessage(conn))), conn);
  const char* primary = pq::api().PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = primary != nullptr ? primary : OneLine(pq::api().PQresultErrorMessage(res));
  if (message.empty()) message = OneLine(pq::api().PQerrorMessage(conn));
  if (const char* detail = pq::api().PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) {
    message += " DETAIL: " + std::string(detail);
  }
  std::string sqlstate;
  if (const char* state = pq::api().PQresultErrorField(res, PG_DIAG_SQLSTATE)) sqlstate = state;
  Status status = sqlstate == "55P03" || sqlstate == "40P01" ? Status::Locked(std::move(message))
                                                             : Status::Database(std::move(message));
  if (!sqlstate.empty()) status.WithSqlState(sqlstate);
  if (const char* hint = pq::api().PQresultErrorField(res, PG_DIAG_MESSAGE_HINT)) {
    status.WithHint(hint);
  } else if (sqlstate == "25006") {
    // read_only_sql_transaction: the server says what it refused, not why.
    status.WithHint(
        "the database is read-only: a hot standby (connect to the primary) or default_transaction_read_only is on "
        "(SHOW default_transaction_read_only; ALTER DATABASE ... RESET default_transaction_read_only)");
  } else if (sqlstate == "53100") {
    // disk_full
    status.WithHint("free space on the disk that holds the database (or the table's tablespace) and run the command "
                    "again; a migration that failed was rolled back");
  }
  return ConnectionLost(std::move(status), conn);
}


// Byte offset of the 1-based character position `pos` in UTF-8 `text`
// (PostgreSQL counts characters; the session uses client_encoding UTF8).
size_t CharPositionToOffset(std::string_view text, int pos) {
  size_t i = 0;
  for (int chars = 1; chars < pos && i < text.size(); ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// Failures that another attempt cannot fix: retrying them only delays the
// error (and, for passwords, may trip an account lockout).
bool IsPermanentConnectError(std::string_view message) {
  for (std::string_view marker : {"password authentication failed", "no password supplied", "authentication failed",
                                  "does not exist", "no pg_hba.conf entry", "invalid ",
                                  "does not support SSL", "SSL is not enabled", "certificate"}) {
    if (message.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

void PostgresConnection::ConnFinish::operator()(pg_conn* conn) const { pq::api().PQfinish(conn); }

void PostgresConnection::CancelFree::operator()(pg_cancel* cancel) const { pq::api().PQfreeCancel(cancel); }

PostgresConnection::PostgresConnection(ConnPtr conn, std::string redacted_url)
    : conn_(std::move(conn)), cancel_(pq::api().PQgetCancel(conn_.get())), redacted_url_(std::move(redacted_url)) {}

void PostgresConnection::Cancel() {
  if (!cancel_) return;
  char error[256];
  int sent = pq::api().PQcancel(cancel_.get(), error, sizeof error);
  (void)sent;  // best effort: the statement then simply finishes
}

PostgresConnection::~PostgresConnection() {
  // The server would roll back on disconnect anyway; doing it here ends the
  // transaction before PQfinish, while the session can still say why if it fails.
  if (conn_ && pq::api().PQstatus(conn_.get()) == CONNECTION_OK && in_transaction()) {
    ResultPtr res(pq::api().PQexec(conn_.get(), "ROLLBACK"));
  }
}

void PostgresConnection::OnNotice(void* self, const char* message) {
  // "NOTICE:  text" -> "text"; other severities (WARNING) keep their label.
  std::string_view text = util::Trim(message);
  for (std::string_view prefix : {"NOTICE:  ", "INFO:  ", "LOG:  "}) {
    if (util::StartsWith(text, prefix)) text.remove_prefix(prefix.size());
  }
  static_cast<PostgresConnection*>(self)->notices_.emplace_back(text);
}

namespace {

// libpq keywords and values for PQconnectdbParams, NULL-terminated arrays
// pointing into `params`.
struct ConnectParams {
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<const char*> keys, values;
};

void BuildConnectParams(const config::Url& url, const ConnectOptions& options, ConnectParams* out) {
  // Defaults come before dbname: libpq keeps the last value of a repeated
  // keyword, so anything the URL itself sets wins.
  if (!url.query.contains("application_name") && !options.application_name.empty()) {
    out->params.emplace_back("application_name", options.application_name);
  }
  if (!url.query.contains("connect_timeout")) {
    auto seconds = (options.connect_timeout.count() + 999) / 1000;
    out->params.emplace_back("connect_timeout", std::to_string(std::max<long long>(2, seconds)));
  }
  // Error positions are character counts; UTF-8 makes them convertible to
  // byte offsets in the script.
  if (!url.query.contains("client_encoding")) out->params.emplace_back("client_encoding", "UTF8");
  out->params.emplace_back("dbname", url.raw);
  for (const auto& [k, v] : out->params) {
    out->keys.push_back(k.c_str());
    out->values.push_back(v.c_str());
  }
  out->keys.push_back(nullptr);
  out->values.push_back(nullptr);
}

Status ConnectFailure(const config::Url& url, const std::string& libpq_error, int attempts) {
  // Redact() as well: libpq may echo parts of the connection string.
  std::string message = Redact("cannot connect to " + url.Redacted() + ": " + libpq_error);
  Status status = util::StartsWith(libpq_error, "invalid ") ? Status::InvalidArgument(std::move(message))
                                                             : Status::Database(std::move(message));
  if (libpq_error.find("authentication failed") != std::string::npos ||
      libpq_error.find("no password supplied") != std::string::npos) {
    status.WithHint("check the user name and password in the URL");
  } else if (libpq_error.find("does not support SSL") != std::string::npos ||
             libpq_error.find("SSL is not enabled") != std::string::npos) {
    // The server answered: it is up, it just does not offer TLS.
    status.WithHint("the server is running but does not offer TLS (SSL), and the URL's sslmode requires it: enable "
                    "ssl on the server, or use sslmode=prefer (or disable) where the network is trusted");
  } else if (libpq_error.find("database \"") != std::string::npos &&
             libpq_error.find("\" does not exist") != std::string::npos) {
    // The server answered: the database part of the URL names nothing.
    status.WithHint("check the database name in the URL, or create the database (createdb NAME, or CREATE DATABASE "
                    "NAME as a user that may)");
  } else if (attempts > 1) {
    status.WithHint("gave up after " + std::to_string(attempts) + " attempts; is the server running and reachable?");
  } else if (libpq_error.find("role \"") != std::string::npos &&
             libpq_error.find("\" does not exist") != std::string::npos) {
    status.WithHint("check the user name in the URL");
  } else if (libpq_error.find("Connection refused") != std::string::npos ||
             libpq_error.find("timeout expired") != std::string::npos ||
             libpq_error.find("could not translate host name") != std::string::npos ||
             libpq_error.find("No route to host") != std::string::npos) {
    status.WithHint("is the server running and reachable at that host and port? connect_retries in strata.toml "
                    "retries with backoff");
  }
  return status;
}

}  // namespace

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const config::Url& url,
                                                                     const ConnectOptions& options) {
  if (url.scheme != config::Url::Scheme::kPostgres) {
    return Status::InvalidArgument("not a PostgreSQL URL: " + url.Redacted());
  }
  if (Status loaded = pq::Load(); !loaded.ok()) return loaded;
  // libpq accepts less than config::ParseUrl in places (unknown query
  // parameters): ask it before trying to connect.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = pq::api().PQconninfoParse(url.raw.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string why = parse_error != nullptr ? OneLine(parse_error) : "out of memory";
    pq::api().PQfreemem(parse_error);
    return Status::InvalidArgument(Redact("bad PostgreSQL URL " + url.Redacted() + ": " + why));
  }
  pq::api().PQconninfoFree(parsed);

  ConnectParams params;
  BuildConnectParams(url, options, &params);
  std::string last_error;
  int attempts = 0;
  auto backoff = options.retry_backoff;
  for (;;) {
    ++attempts;
    ConnPtr conn(pq::api().PQconnectdbParams(params.keys.data(), params.values.data(), /*expand_dbname=*/1));
    if (conn && pq::api().PQstatus(conn.get()) == CONNECTION_OK) {
      std::unique_ptr<PostgresConnection> self(new PostgresConnection(std::move(conn), url.Redacted()));
      pq::api().PQsetNoticeProcessor(self->conn_.get(), &PostgresConnection::OnNotice, self.get());
      return self;
    }
    last_error = conn ? OneLine(pq::api().PQerrorMessage(conn.get())) : "out of memory";
    if (IsPermanentConnectError(last_error) || attempts > options.connect_retries) break;
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
  return ConnectFailure(url, last_error, attempts);
}

PostgresConnection::Outcome PostgresConnection::SendAndDrain(const std::string& text) {
  Outcome out;
  if (pq::api().PQsendQuery(conn_.get(), text.c_str()) == 0) {
    out.error = FromPgResult(nullptr, conn_.get());
    return out;
  }
  // Read every result even after an error: libpq is not ready for the next
  // query until PQgetResult returns null.
  while (ResultPtr res{pq::api().PQgetResult(conn_.get())}) {
    switch (pq::api().PQresultStatus(res.get())) {
      case PGRES_COPY_IN:
        // A migration has no data stream to send; ending the copy with an
        // error makes the server report it as this statement's error.
        pq::api().PQputCopyEnd(conn_.get(), "COPY FROM STDIN is not supported in migration scripts");
        continue;
      case PGRES_COPY_OUT: {
        char* buf = nullptr;
        while (pq::api().PQgetCopyData(conn_.get(), &buf, 0) > 0) pq::api().PQfreemem(buf);
        continue;  // the COPY's own result follows
      }
      case PGRES_FATAL_ERROR:
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR:
        if (out.error.ok()) {
          out.error = FromPgResult(res.get(), conn_.get());
          const char* pos = pq::api().PQresultErrorField(res.get(), PG_DIAG_STATEMENT_POSITION);
          if (pos != nullptr) out.position = std::atoi(pos);
        }
        continue;
      default:
        if (out.error.ok()) {
          ++out.completed;
          if (observer_) observer_(progress_base_ + out.completed);
        }
        continue;
    }
  }
  if (out.error.ok() && pq::api().PQstatus(conn_.get()) != CONNECTION_OK) out.error = FromPgResult(nullptr, conn_.get());
  return out;
}

namespace {

// Locates `error` in `script`. `sent` is the text the server parsed, which
// starts at byte `sent_offset` of the script; `failed` is the statement
// that failed (nullptr when unknown).
Status LocateError(Status error, std::optional<int> position, std::string_view script, std::string_view sent,
                   size_t sent_offset, const sql::Statement* failed) {
  std::optional<size_t> at;
  if (position && *position > 0) {
    at = sent_offset + CharPositionToOffset(sent, *position);
  } else if (failed != nullptr) {
    at = failed->offset;  // runtime errors (unique violation, ...) have no position
  }
  if (at) {
    sql::LineCol lc = sql::LocateOffset(script, *at);
    error.At("", lc.line, lc.column);
  }
  if (failed != nullptr) error.With(StatementContext(failed->text));
  return error;
}

}  // namespace

Status PostgresConnection::ExecScript(const std::string& sql) {
  // libpq sends a C string: a NUL would silently end the script there.
  if (Status nul = RejectNul(sql); !nul.ok()) return nul;
  progress_base_ = 0;
  // In pieces only inside a transaction: outside one, a multi-statement
  // query is all or nothing, and pieces would each commit on their own.
  if (sql.size() > kSendPiece && in_transaction()) return ExecInPieces(sql);
  // One round trip: the server runs the statements in order and stops at the
  // first error, so the number of results before it names the statement.
  // The results arrive as the statements complete: progress as it happens.
  Outcome out = SendAndDrain(sql);
  if (out.error.ok()) return Status::Ok();
  // The splitter only maps the failure to a statement; if it cannot scan the
  // script, the server's position (if any) is all there is.
  auto statements = sql::Split(sql, sql::Dialect::kPostgres);
  const sql::Statement* failed = nullptr;
  if (statements.ok() && !statements->empty()) {
    size_t index = std::min(static_cast<size_t>(out.completed), statements->size() - 1);
    failed = &(*statements)[index];
  }
  return LocateError(std::move(out.error), out.position, sql, sql, 0, failed);
}

// A large script (a data migration of many megabytes) goes in pieces of whole
// statements of about kSendPiece bytes, one round trip each, in the same
// transaction: libpq copies what it sends, so sending it whole would hold the
// script twice more in memory. The server sees the same statements in the
// same order; the first error stops it, as in one piece.
Status PostgresConnection::ExecInPieces(const std::string& sql) {
  std::string_view script(sql);
  size_t start = 0;                      // of the piece not sent yet
  std::vector<sql::Statement> pending;  // its statements, to name a failing one
  Status failure = Status::Ok();
  auto send = [&](size_t end) {
    std::string piece(script.substr(start, end - start));
    Outcome out = SendAndDrain(piece);
    progress_base_ += out.completed;
    if (!out.error.ok()) {
      const sql::Statement* failed =
          pending.empty() ? nullptr : &pending[std::min(static_cast<size_t>(out.completed), pending.size() - 1)];
      failure = LocateError(std::move(out.error), out.position, script, piece, start, failed);
      return false;
    }
    start = end;
    pending.clear();
    return true;
  };
  Status scanned = sql::ForEachStatement(script, sql::Dialect::kPostgres, [&](const sql::Statement& st) {
    if (st.offset - start >= kSendPiece && !pending.empty() && !send(st.offset)) return false;
    pending.push_back(st);
    return true;
  });
  if (!failure.ok()) return failure;
  // The rest; or, where the splitter could not scan the text (an
  // unterminated quote), everything not sent yet, for the server to judge.
  (void)scanned;
  if (start < script.size() && !send(script.size())) return failure;
  return Status::Ok();
}

Status PostgresConnection::ExecEach(const std::string& sql) {
  if (Status nul = RejectNul(sql); !nul.ok()) return nul;
  auto statements = sql::Split(sql, sql::Dialect::kPostgres);
  if (!statements.ok()) return statements.status();
  progress_base_ = 0;
  for (const sql::Statement& statement : *statements) {
    // Sent alone, a statement runs outside any implicit transaction block,
    // which CREATE INDEX CONCURRENTLY and friends require.
    Outcome out = SendAndDrain(std::string(statement.text));
    ++progress_base_;
    if (!out.error.ok()) {
      return LocateError(std::move(out.error), out.position, sql, statement.text, statement.offset, &statement);
    }
  }
  return Status::Ok();
}

Result<Rows> PostgresConnection::Query(std::string_view sql, const std::vector<Value>& params) {
  if (Status nul = RejectNul(sql); !nul.ok()) return nul;
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Value& v : params) values.push_back(v ? v->c_str() : nullptr);
  ResultPtr res(pq::api().PQexecParams(conn_.get(), text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                             nullptr, nullptr, /*resultFormat=text*/ 0));
  Rows out;
  switch (res ? pq::api().PQresultStatus(res.get()) : PGRES_FATAL_ERROR) {
    case PGRES_TUPLES_OK:
      break;
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
      return out;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT: {
      // Leave the connection usable: finish the copy, then refuse.
      if (pq::api().PQresultStatus(res.get()) == PGRES_COPY_IN) {
        pq::api().PQputCopyEnd(conn_.get(), "COPY is not supported by Query");
      } else {
        char* buf = nullptr;
        while (pq::api().PQgetCopyData(conn_.get(), &buf, 0) > 0) pq::api().PQfreemem(buf);
      }
      while (ResultPtr r{pq::api().PQgetResult(conn_.get())}) {
      }
      return Status::InvalidArgument("COPY is not supported by Query").With(StatementContext(sql));
    }
    default:
      return FromPgResult(res.get(), conn_.get()).With(StatementContext(sql));
  }
  int columns = pq::api().PQnfields(res.get());
  for (int c = 0; c < columns; ++c) out.columns.emplace_back(pq::api().PQfname(res.get(), c));
  int rows = pq::api().PQntuples(res.get());
  out.rows.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    Row row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (pq::api().PQgetisnull(res.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(pq::api().PQgetvalue(res.get(), r, c), static_cast<size_t>(pq::api().PQgetlength(res.get(), r, c))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

Status PostgresConnection::Exec(const std::string& sql) {
  Outcome out = SendAndDrain(sql);
  if (!out.error.ok()) return std::move(out.error).With(StatementContext(sql));
  return Status::Ok();
}

Status PostgresConnection::Begin() {
  if (in_transaction()) return Status::Internal("Begin: a transaction is already open");
  return Exec("BEGIN");
}

Status PostgresConnection::Commit() {
  if (!in_transaction()) return Status::Internal("Commit: no transaction is open");
  if (pq::api().PQtransactionStatus(conn_.get()) == PQTRANS_INERROR) {
    Status rollback = Exec("ROLLBACK");
    if (!rollback.ok()) return rollback;
    return Status::Database("cannot commit: an earlier statement failed and aborted the transaction; rolled back");
  }
  return Exec("COMMIT");
}

Status PostgresConnection::Rollback() {
  if (!in_transaction()) return Status::Ok();
  return Exec("ROLLBACK");
}

bool PostgresConnection::in_transaction() const {
  // The server's own view (ReadyForQuery), so a BEGIN or COMMIT inside a
  // script is accounted for too.
  PGTransactionStatusType status = pq::api().PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Status PostgresConnection::Savepoint(std::string_view name) {
  if (!in_transaction()) return Status::Internal("Savepoint: no transaction is open");
  return Exec("SAVEPOINT " + QuoteIdent(name));
}

Status PostgresConnection::ReleaseSavepoint(std::string_view name) {
  if (!in_transaction()) return Status::Internal("ReleaseSavepoint: no transaction is open");
  return Exec("RELEASE SAVEPOINT " + QuoteIdent(name));
}

Status PostgresConnection::RollbackToSavepoint(std::string_view name) {
  if (!in_transaction()) return Status::Internal("RollbackToSavepoint: no transaction is open");
  return Exec("ROLLBACK TO SAVEPOINT " + QuoteIdent(name));
}

Result<bool> PostgresConnection::TransactionAdvisoryLock(int64_t key, bool wait) {
  if (!in_transaction()) return Status::Internal("TransactionAdvisoryLock: no transaction is open");
  auto rows = Query(wait ? "SELECT pg_advisory_xact_lock($1::bigint)::text, true"
                         : "SELECT '', pg_try_advisory_xact_lock($1::bigint)",
                    {std::to_string(key)});
  if (!rows.ok()) return rows.status();
  return !rows->rows.empty() && rows->rows[0][1] == "t";
}

Status PostgresConnection::SetLocal(std::string_view name, std::string_view value) {
  if (!in_transaction()) return Status::Internal("SetLocal: no transaction is open");
  auto rows = Query("SELECT set_config($1, $2, true)", {std::string(name), std::string(value)});
  return rows.ok() ? Status::Ok() : rows.status();
}

Status PostgresConnection::ResetSession() {
  // RESET ALL leaves role and session_authorization alone (they are
  // GUC_NO_RESET_ALL), so they are reset on their own. Each statement goes
  // back to the value the session started with: the server's, the role's
  // and database's ALTER ... SET, and the connection's options.
  return Exec("RESET ALL; RESET ROLE; RESET SESSION AUTHORIZATION");
}

Result<std::string> PostgresConnection::DetectPooler() {
  if (in_transaction()) return Status::Internal("DetectPooler: a transaction is open");
  // Two statements, each its own transaction: a transaction-mode pooler may
  // hand each to a different server connection.
  auto first = Query("SELECT inet_server_port()::text, pg_backend_pid()::text");
  if (!first.ok()) return first.status();
  auto second = Query("SELECT pg_backend_pid()::text");
  if (!second.ok()) return second.status();
  if (first->rows.empty() || second->rows.empty()) return std::string();
  const char* port = pq::api().PQport(conn_.get());
  std::string connected = port != nullptr && *port != '\0' ? port : "5432";
  const auto& server_port = first->rows[0][0];
  if (server_port && *server_port != connected) {
    return "the server listens on port " + *server_port + " but strata connected to port " + connected +
           ": a connection pooler or proxy is in between";
  }
  if (first->rows[0][1] != second->rows[0][0]) {
    return std::string("two statements ran on different server backends: a connection pooler is in between");
  }
  return std::string();
}

Result<bool> PostgresConnection::TableExists(std::string_view schema, std::string_view table) {
  // Names go in as parameters and are compared as stored (no case folding):
  // the caller passes the identifier as it was created.
  auto rows = Query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = COALESCE(NULLIF($1, ''), current_schema()) AND c.relname = $2 "
      "AND c.relkind IN ('r', 'p')",
      {std::string(schema), std::string(table)});
  if (!rows.ok()) return rows.status();
  return !rows->rows.empty();
}

std::vector<std::string> PostgresConnection::TakeNotices() {
  std::vector<std::string> out;
  out.swap(notices_);
  return out;
}

std::string PostgresConnection::session_user() {
  auto rows = Query("SELECT current_user");
  if (rows.ok() && !rows->rows.empty() && rows->rows[0][0]) return *rows->rows[0][0];
  // In an aborted transaction no query runs; the login role is the next best answer.
  const char* user = pq::api().PQuser(conn_.get());
  return user != nullptr ? user : "";
}

Result<schema::Schema> PostgresConnection::InspectSchema(const std::vector<std::string>& exclude_tables) {
  return InspectPostgres(*this, exclude_tables);
}

}  // namespace strata::driver
