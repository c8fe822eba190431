// One reader per folder format, each in its own file; LoadMigrations
// (migration.cc) picks one. Internal to src/source. Each returns kNotFound /
// kIo only when the folder itself cannot be read (drizzle-kit: also kParse
// for a journal that is not valid JSON); everything about single files goes
// into MigrationSet::problems and ::notes.
#pragma once

#include <string>

#include "source/migration.h"

namespace strata::source::internal {

Result<MigrationSet> LoadNative(const std::string& dir, const LoadOptions& options);          // migration.cc
Result<MigrationSet> LoadDrizzle(const std::string& dir, const LoadOptions& options);         // drizzle_reader.cc
Result<MigrationSet> LoadGolangMigrate(const std::string& dir, const LoadOptions& options);   // golang_migrate_reader.cc
Result<MigrationSet> LoadFlyway(const std::string& dir, const LoadOptions& options);          // flyway_reader.cc
Result<MigrationSet> LoadDbmate(const std::string& dir, const LoadOptions& options);          // dbmate_reader.cc

}  // namespace strata::source::internal
