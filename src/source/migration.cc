namespace strata::source {}  // placeholder: replaced by migration.cc
