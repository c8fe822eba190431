INSERT INTO users (id, name) VALUES (1, 'ada');
INSERT INTO orders (id, user_id, total) VALUES (1, 1, 42);
