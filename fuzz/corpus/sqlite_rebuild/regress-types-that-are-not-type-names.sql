CREATE TABLE u (d ", " x, e "primary key", f "values", g "not null");
