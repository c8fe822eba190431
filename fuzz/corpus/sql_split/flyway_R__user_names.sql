DROP VIEW IF EXISTS user_names;
CREATE VIEW user_names AS SELECT name FROM users;
