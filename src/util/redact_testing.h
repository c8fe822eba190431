// Test-only access to the process-wide secret list behind strata/redact.h.
#pragma once

namespace strata {

// Forgets every registered secret. For the fuzz targets (fuzz/), which parse
// millions of URLs in one process: each registers its password, and the list
// (which Redact scans for every text) would otherwise grow without bound.
// Never called by strata itself: a real process keeps its secrets for life.
void ForgetSecretsForTesting();

}  // namespace strata
