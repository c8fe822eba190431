-- strata:no-transaction
-- strata:allow add-index-without-concurrently
-- Runs outside a transaction, as a large production table would need. On
-- PostgreSQL you would write CREATE INDEX CONCURRENTLY here; this example
-- keeps a plain CREATE INDEX so the same file also runs on SQLite (lint's
-- add-index-without-concurrently is allowed above for that reason).
-- One statement per no-transaction file: if it fails, nothing is half done.
CREATE INDEX orders_user_id_placed_at_idx ON orders (user_id, placed_at);
