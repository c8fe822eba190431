-- strata:no-transaction
-- Runs outside a transaction, as a large production table would need. On
-- PostgreSQL you would write CREATE INDEX CONCURRENTLY here; this example
-- keeps a plain CREATE INDEX so the same file also runs on SQLite.
-- One statement per no-transaction file: if it fails, nothing is half done.
CREATE INDEX orders_user_id_placed_at_idx ON orders (user_id, placed_at);
