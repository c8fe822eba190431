// source::Format: which tool's conventions a migrations folder follows, and
// how strata tells them apart when strata.toml does not say (`format`).
//
//   native          strata's own: VERSION_NAME.up.sql / .down.sql (docs/migrations.md)
//   drizzle         drizzle-kit: meta/_journal.json lists the migrations
//   golang-migrate  VERSION_TITLE.up.sql / .down.sql, paired by version only
//   flyway          V1_2__name.sql, U1_2__name.sql (undo), R__name.sql (repeatable)
//   dbmate          VERSION_name.sql with -- migrate:up / -- migrate:down sections
//
// The rules each reader honours are in docs/migrations.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata::source {

enum class Format { kAuto, kNative, kDrizzle, kGolangMigrate, kFlyway, kDbmate };

// "auto", "native", "drizzle", "golang-migrate", "flyway", "dbmate".
std::string_view ToString(Format format);
// The inverse of ToString; also accepts "drizzle-kit". nullopt when unknown.
std::optional<Format> ParseFormat(std::string_view name);
// "auto, native, drizzle, golang-migrate, flyway, dbmate": for messages.
std::string_view FormatNames();

// What a folder looks like, in this order (the first that matches wins):
//   drizzle         meta/_journal.json exists
//   flyway          a file named V<digits>...__*.sql or R__*.sql
//   dbmate          the first VERSION_name.sql file (no .up/.down) has a
//                   `-- migrate:up` line (one file is read, not all)
//   golang-migrate  an up and a down file of one version with different
//                   titles (30_add_x.up.sql beside 30_drop_x.down.sql), which
//                   the native reader would refuse
//   native          everything else, a missing folder included
// Reads only names, except the one dbmate file. Never fails: an unreadable
// folder is "native", and the native reader reports why. `why`, when given,
// receives what decided it ("meta/_journal.json exists"); "" for native.
Format DetectFormat(const std::string& dir, std::string* why = nullptr);

}  // namespace strata::source
