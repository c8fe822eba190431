CREATE TABLE users (id INGERET PRIMARY KEY, name TEXage INT);
CREATE TABLE new_useRs (creax totalINT);
