namespace strata::engine {}  // placeholder
