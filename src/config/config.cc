namespace strata::config {}  // placeholder: replaced by config.cc
