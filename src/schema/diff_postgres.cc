// PLACEHOLDER until the dialect diff lands (this session): returns no changes.
#include "schema/diff.h"

namespace strata::schema {

Diff DiffPostgres(const Schema&, const Schema&, const DiffOptions&) { return {}; }

}  // namespace strata::schema
