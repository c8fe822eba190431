namespace strata::driver {}  // placeholder: replaced by connection.cc
