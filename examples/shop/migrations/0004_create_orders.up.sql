CREATE TABLE orders (
  id         INTEGER     PRIMARY KEY,
  user_id    INTEGER     NOT NULL REFERENCES users (id),
  status     VARCHAR(20) NOT NULL DEFAULT 'pending'
             CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  placed_at  TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP
);
