#include <strata/types.h>

namespace strata {

std::string_view Version() { return STRATA_VERSION; }

std::string_view ToString(MigrationState state) {
  switch (state) {
    case MigrationState::kApplied: return "applied";
    case MigrationState::kPending: return "pending";
    case MigrationState::kModified: return "modified";
    case MigrationState::kMissing: return "missing";
    case MigrationState::kDirty: return "dirty";
  }
  return "unknown";
}

std::string_view ToString(Direction direction) { return direction == Direction::kUp ? "up" : "down"; }

}  // namespace strata
