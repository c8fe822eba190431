-- Reference data every environment needs.
INSERT INTO categories (id, name, parent_id) VALUES
  (1, 'Clothing', NULL),
  (2, 'Books', NULL),
  (3, 'Shoes', 1),
  (4, 'Jackets', 1);
