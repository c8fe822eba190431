-- needs orders from 1.2: runs after it because 1.2 < 1.10
ALTER TABLE orders ADD COLUMN total integer NOT NULL DEFAULT 0;
