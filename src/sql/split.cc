namespace strata::sql {}  // placeholder: replaced by split.cc
