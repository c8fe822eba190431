-- Children first: 3 and 4 reference 1.
DELETE FROM categories WHERE id IN (3, 4);
DELETE FROM categories WHERE id IN (1, 2);
