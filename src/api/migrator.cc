namespace strata {}  // placeholder: replaced by migrator.cc
