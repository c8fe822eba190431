#include "cli/json.h"

#include "util/json_doc.h"

namespace strata::cli {

namespace {

using util::Json;
using util::OrNull;
using util::StringOrNull;
std::string Dump(const Json& j) { return util::DumpJson(j); }

Json StepJson(const StepResult& s) {
  Json j;
  j["version"] = s.version;
  j["name"] = s.name;
  j["direction"] = std::string(ToString(s.direction));
  j["no_transaction"] = s.no_transaction;
  j["executed"] = s.executed;
  j["duration_ms"] = s.duration_ms;
  j["notices"] = s.notices;
  return j;
}

Json FindingJson(const LintFinding& f) {
  Json j;
  j["file"] = f.file;
  j["line"] = f.line;
  j["column"] = f.column;
  j["rule"] = f.rule;
  j["severity"] = std::string(ToString(f.severity));
  j["message"] = f.message;
  j["hint"] = f.hint;
  j["version"] = StringOrNull(f.version);
  return j;
}

// `plan --trace` / `lint --trace` (docs/json.md); null when not traced.
Json TraceJson(bool traced, const TraceReport& t) {
  if (!traced) return Json(nullptr);
  Json j;
  j["where"] = t.where;
  j["migrations"] = Json::array();
  for (const auto& m : t.migrations) {
    Json mj;
    mj["version"] = m.version;
    mj["name"] = m.name;
    mj["file"] = m.file;
    mj["traced"] = m.traced;
    mj["note"] = StringOrNull(m.note);
    mj["statements"] = Json::array();
    for (const auto& s : m.statements) {
      Json sj;
      sj["line"] = s.line;
      sj["kind"] = StringOrNull(s.kind);
      sj["text"] = s.text;
      sj["status"] = s.status;
      sj["forms"] = s.forms;
      sj["locks"] = Json::array();
      for (const auto& l : s.locks) {
        sj["locks"].push_back(Json{{"relation", l.relation},
                                   {"mode", StringOrNull(l.mode)},
                                   {"predicted", StringOrNull(l.predicted)},
                                   {"blocks_reads", l.blocks_reads},
                                   {"blocks_writes", l.blocks_writes},
                                   {"verdict", l.verdict}});
      }
      sj["rewritten"] = s.rewritten;
      sj["scanned"] = s.scanned;
      sj["mismatches"] = s.mismatches;
      sj["confirmed"] = s.confirmed;
      mj["statements"].push_back(std::move(sj));
    }
    j["migrations"].push_back(std::move(mj));
  }
  j["confirmed"] = t.confirmed;
  j["mismatches"] = t.mismatches;
  return j;
}

}  // namespace

std::string ToJson(const LintReport& report) {
  Json j;
  j["findings"] = Json::array();
  for (const auto& f : report.findings) j["findings"].push_back(FindingJson(f));
  j["summary"] = {{"errors", report.errors},   {"warnings", report.warnings},     {"infos", report.infos},
                  {"allowed", report.allowed}, {"files", report.files},           {"statements", report.statements},
                  {"dialect", report.dialect}, {"semantic", report.semantic}, {"empty_files", report.empty}};
  j["trace"] = TraceJson(report.traced, report.trace);
  return Dump(j);
}

std::string ToJson(const ImpactReport& report) {
  Json j;
  j["dialect"] = report.dialect;
  j["notes_file"] = StringOrNull(report.notes_file);
  j["migrations"] = Json::array();
  for (const auto& m : report.migrations) {
    Json jm;
    jm["version"] = m.version;
    jm["name"] = m.name;
    jm["file"] = m.file;
    jm["changes"] = Json::array();
    for (const auto& c : m.changes) {
      jm["changes"].push_back(Json{{"kind", c.kind},     {"name", c.name},     {"table", StringOrNull(c.table)},
                                   {"action", c.action}, {"detail", StringOrNull(c.detail)}, {"line", c.line}});
    }
    jm["notes"] = Json::array();
    for (const auto& n : m.notes) {
      jm["notes"].push_back(Json{{"file", n.file}, {"line", n.line}, {"text", n.text}, {"matches", n.matches}});
    }
    jm["unparsed"] = m.unparsed;
    j["migrations"].push_back(std::move(jm));
  }
  return Dump(j);
}

std::string ToJson(const PlanReport& report) {
  Json j;
  j["environment"] = report.environment;
  j["url"] = report.url;
  j["dialect"] = report.dialect;
  j["migrations"] = Json::array();
  for (const auto& m : report.migrations) {
    Json mj;
    mj["version"] = m.version;
    mj["name"] = m.name;
    mj["file"] = m.file;
    mj["no_transaction"] = m.no_transaction;
    mj["foreign_keys_off"] = m.foreign_keys_off;
    mj["notes"] = m.notes;
    mj["statements_total"] = m.statements_total;
    mj["statements_omitted"] = m.statements_omitted;
    if (!m.refused.empty()) mj["refused"] = m.refused;
    mj["statements"] = Json::array();
    for (const auto& s : m.statements) {
      Json sj;
      sj["line"] = s.line;
      sj["column"] = s.column;
      sj["kind"] = StringOrNull(s.kind);
      sj["text"] = s.text;
      sj["in_transaction"] = s.in_transaction;
      sj["locks"] = Json::array();
      for (const auto& l : s.locks) sj["locks"].push_back(Json{{"relation", l.relation}, {"mode", l.mode}});
      mj["statements"].push_back(std::move(sj));
    }
    mj["findings"] = Json::array();
    for (const auto& f : m.findings) mj["findings"].push_back(FindingJson(f));
    j["migrations"].push_back(std::move(mj));
  }
  j["semantic"] = report.semantic;
  j["semantic_skipped"] = StringOrNull(report.semantic_skipped);
  j["pooler"] = StringOrNull(report.pooler);
  j["lock_timeout_ms"] = report.lock_timeout_ms;
  j["statement_timeout_ms"] = report.statement_timeout_ms;
  j["trace"] = TraceJson(report.traced, report.trace);
  j["summary"] = {{"pending", report.migrations.size()}, {"errors", report.errors},   {"warnings", report.warnings},
                  {"infos", report.infos},                {"allowed", report.allowed}, {"lint", report.lint_policy},
                  {"blocked", report.blocked}, {"refused", report.refused}};
  return Dump(j);
}

Json BackupJson(const BackupInfo& b) {
  Json j;
  j["path"] = b.path;
  j["file"] = b.file;
  j["environment"] = b.environment;
  j["created_at"] = b.created_at;
  j["version"] = StringOrNull(b.version);
  j["engine"] = b.engine;
  j["bytes"] = b.bytes;
  j["sha256"] = StringOrNull(b.sha256);
  j["verified"] = b.verified;
  j["compressed"] = b.compressed;
  j["encrypted"] = b.encrypted;
  return j;
}

std::string ToJson(const ApplyReport& report) {
  Json j;
  j["dry_run"] = report.dry_run;
  j["batch"] = report.batch;
  j["steps"] = Json::array();
  for (const auto& s : report.steps) j["steps"].push_back(StepJson(s));
  j["total_ms"] = report.total_ms;
  // Only when up's lint reported something (docs/json.md).
  if (!report.lint.empty()) {
    j["lint"] = Json::array();
    for (const auto& f : report.lint) j["lint"].push_back(FindingJson(f));
  }
  // Only when a backup was taken first (backup = true; docs/json.md).
  if (report.backup) j["backup"] = BackupJson(*report.backup);
  return Dump(j);
}

std::string ToJson(const BackupReport& report) {
  Json j;
  j["backup"] = BackupJson(report.backup);
  j["duration_ms"] = report.duration_ms;
  j["verify_ms"] = report.verify_ms;
  j["deleted"] = report.deleted;
  return Dump(j);
}

std::string ToJson(const BackupsReport& report) {
  Json j;
  j["directory"] = report.directory;
  j["backups"] = Json::array();
  for (const auto& b : report.backups) j["backups"].push_back(BackupJson(b));
  return Dump(j);
}

std::string ToJson(const RestoreReport& report) {
  Json j;
  j["backup"] = BackupJson(report.backup);
  j["checksum_checked"] = report.checksum_checked;
  j["duration_ms"] = report.duration_ms;
  return Dump(j);
}

std::string ToJson(const ResetReport& report) {
  Json j;
  j["backup"] = report.backup ? BackupJson(*report.backup) : Json(nullptr);
  j["applied"] = Json::parse(ToJson(report.applied));
  return Dump(j);
}

std::string ToJson(const VerifyReport& report) {
  Json j;
  j["ok"] = report.ok();
  j["dialect"] = report.dialect;
  j["foreign_keys_checked"] = report.foreign_keys_checked;
  j["findings"] = Json::array();
  for (const auto& f : report.findings) {
    j["findings"].push_back(Json{{"kind", f.kind},
                                 {"table", f.table},
                                 {"object", f.object},
                                 {"rows", f.rows},
                                 {"message", f.message},
                                 {"hint", f.hint}});
  }
  return Dump(j);
}

std::string ToJson(const BaselineReport& report) {
  Json j;
  j["version"] = report.version;
  j["batch"] = report.batch;
  j["versions"] = report.versions;
  return Dump(j);
}

std::string ToJson(const RepairReport& report) {
  Json j;
  j["actions"] = Json::array();
  for (const auto& a : report.actions) {
    j["actions"].push_back(Json{{"version", a.version}, {"name", a.name}, {"action", a.action}});
  }
  if (report.backup) j["backup"] = BackupJson(*report.backup);  // as for up
  return Dump(j);
}

std::string ToJson(const InitReport& report) {
  Json j;
  j["created"] = report.created;
  j["skipped"] = report.skipped;
  return Dump(j);
}

std::string ToJson(const NewReport& report) {
  Json j;
  j["version"] = report.version;
  j["up_path"] = report.up_path;
  j["down_path"] = report.down_path;
  return Dump(j);
}

std::string ToJson(const InspectReport& report) {
  Json j;
  j["dialect"] = report.dialect;
  j["tables"] = Json::array();
  for (const auto& t : report.tables) {
    Json table;
    table["name"] = t.name;
    table["columns"] = Json::array();
    for (const auto& c : t.columns) {
      table["columns"].push_back(Json{{"name", c.name},
                                      {"type", c.type},
                                      {"not_null", c.not_null},
                                      {"default", OrNull(c.default_expr)},
                                      {"collation", StringOrNull(c.collation)},
                                      {"generated", OrNull(c.generated)},
                                      {"generated_stored", c.generated_stored}});
    }
    table["primary_key"] = t.primary_key;
    table["autoincrement"] = t.autoincrement;
    table["uniques"] = t.uniques;
    table["checks"] = Json::array();
    for (const auto& c : t.checks) table["checks"].push_back(Json{{"name", StringOrNull(c.name)}, {"expr", c.expr}});
    table["foreign_keys"] = Json::array();
    for (const auto& fk : t.foreign_keys) {
      table["foreign_keys"].push_back(Json{{"name", StringOrNull(fk.name)},
                                           {"columns", fk.columns},
                                           {"ref_table", fk.ref_table},
                                           {"ref_columns", fk.ref_columns},
                                           {"on_delete", fk.on_delete},
                                           {"on_update", fk.on_update},
                                           {"deferrable", fk.deferrable},
                                           {"initially_deferred", fk.initially_deferred}});
    }
    table["without_rowid"] = t.without_rowid;
    table["strict"] = t.strict;
    table["exclusions"] = Json::array();
    for (const auto& x : t.exclusions) {
      table["exclusions"].push_back(Json{{"name", x.name}, {"definition", x.definition}});
    }
    table["partition_by"] = StringOrNull(t.partition_by);
    table["partition_of"] = StringOrNull(t.partition_of);
    table["partition_bound"] = StringOrNull(t.partition_bound);
    j["tables"].push_back(std::move(table));
  }
  j["indexes"] = Json::array();
  for (const auto& i : report.indexes) {
    j["indexes"].push_back(Json{{"name", i.name},
                                {"table", i.table},
                                {"unique", i.unique},
                                {"columns", i.columns},
                                {"where", StringOrNull(i.where)}});
  }
  j["views"] = Json::array();
  for (const auto& v : report.views) j["views"].push_back(Json{{"name", v.name}, {"sql", v.sql}});
  j["triggers"] = Json::array();
  for (const auto& t : report.triggers) {
    j["triggers"].push_back(Json{{"name", t.name}, {"table", t.table}, {"sql", t.sql}});
  }
  j["schemas"] = report.schemas;
  j["extensions"] = Json::array();
  for (const auto& e : report.extensions) j["extensions"].push_back(Json{{"name", e.name}, {"schema", e.schema}});
  j["enums"] = Json::array();
  for (const auto& e : report.enums) j["enums"].push_back(Json{{"name", e.name}, {"values", e.values}});
  j["domains"] = Json::array();
  for (const auto& d : report.domains) {
    Json checks = Json::array();
    for (const auto& c : d.checks) checks.push_back(Json{{"name", StringOrNull(c.name)}, {"expr", c.expr}});
    j["domains"].push_back(Json{{"name", d.name},
                                {"type", d.type},
                                {"not_null", d.not_null},
                                {"default", OrNull(d.default_expr)},
                                {"collation", StringOrNull(d.collation)},
                                {"checks", std::move(checks)}});
  }
  j["sequences"] = Json::array();
  for (const auto& s : report.sequences) {
    j["sequences"].push_back(Json{{"name", s.name},
                                  {"type", s.type},
                                  {"start", s.start},
                                  {"increment", s.increment},
                                  {"owned_by", StringOrNull(s.owned_by)}});
  }
  j["routines"] = Json::array();
  for (const auto& r : report.routines) {
    j["routines"].push_back(Json{{"name", r.name}, {"arguments", r.arguments}, {"kind", r.kind}});
  }
  j["comments"] = Json::array();
  for (const auto& c : report.comments) j["comments"].push_back(Json{{"object", c.object}, {"text", c.text}});
  j["sql"] = report.sql;
  return Dump(j);
}

// --- Schema as code (docs/json.md) ---

namespace {

Json ChangesJson(const std::vector<SchemaChange>& changes) {
  Json out = Json::array();
  for (const auto& c : changes) {
    out.push_back(Json{{"summary", c.summary},
                       {"statements", c.statements},
                       {"destructive", c.destructive},
                       {"destructive_reason", StringOrNull(c.destructive_reason)}});
  }
  return out;
}

Json RenamesJson(const std::vector<SchemaRename>& renames) {
  Json out = Json::array();
  for (const auto& r : renames) {
    out.push_back(Json{{"table", StringOrNull(r.table)}, {"from", r.from}, {"to", r.to}, {"hint", ToString(r)}});
  }
  return out;
}

Json DifferencesJson(const std::vector<SchemaDifference>& differences) {
  Json out = Json::array();
  for (const auto& d : differences) {
    out.push_back(Json{{"kind", d.kind}, {"name", d.name}, {"detail", d.detail}, {"message", d.ToString()}});
  }
  return out;
}

}  // namespace

std::string ToJson(const DiffReport& report) {
  Json j;
  j["dialect"] = report.dialect;
  j["changes"] = ChangesJson(report.changes);
  j["rename_candidates"] = RenamesJson(report.rename_candidates);
  j["sql"] = report.sql;
  j["not_compared"] = report.not_compared;
  j["notes"] = report.notes;
  return Dump(j);
}

std::string ToJson(const GenerateReport& report) {
  Json j;
  j["generated"] = report.generated;
  j["version"] = StringOrNull(report.version);
  j["up_path"] = StringOrNull(report.up_path);
  j["down_path"] = StringOrNull(report.down_path);
  j["changes"] = ChangesJson(report.changes);
  j["renames"] = RenamesJson(report.renames);
  j["rename_candidates"] = RenamesJson(report.rename_candidates);
  return Dump(j);
}

std::string ToJson(const DriftReport& report) {
  Json j;
  j["drift"] = report.drift;
  j["differences"] = DifferencesJson(report.differences);
  j["sql"] = report.sql;
  j["warnings"] = report.warnings;
  j["not_compared"] = report.not_compared;
  return Dump(j);
}

std::string ToJson(const PushReport& report) {
  Json j;
  j["dry_run"] = report.dry_run;
  j["changes"] = ChangesJson(report.changes);
  j["rename_candidates"] = RenamesJson(report.rename_candidates);
  return Dump(j);
}

std::string ToJson(const TestReport& report) {
  Json j;
  j["ok"] = report.ok();
  j["failed"] = report.failed;
  j["migrations"] = Json::array();
  for (const auto& m : report.migrations) {
    j["migrations"].push_back(Json{{"version", m.version},
                                   {"name", m.name},
                                   {"state", std::string(ToString(m.state))},
                                   {"message", StringOrNull(m.message)},
                                   {"differences", DifferencesJson(m.differences)}});
  }
  return Dump(j);
}

std::string ErrorJson(const Status& status, int exit_code) {
  // The message carries the context chain ("apply 0003: ...") but not the
  // location or SQLSTATE, which have fields of their own.
  std::string message;
  for (auto it = status.context().rbegin(); it != status.context().rend(); ++it) message += *it + ": ";
  message += status.message();
  Json e;
  e["code"] = exit_code;
  e["kind"] = std::string(Status::CodeName(status.code()));
  e["message"] = message;
  if (!status.file().empty()) e["file"] = status.file();
  if (status.line() > 0) e["line"] = status.line();
  if (status.column() > 0) e["column"] = status.column();
  if (!status.sqlstate().empty()) e["sqlstate"] = status.sqlstate();
  if (!status.hint().empty()) e["hint"] = status.hint();
  return Dump(Json{{"error", e}});
}

}  // namespace strata::cli
