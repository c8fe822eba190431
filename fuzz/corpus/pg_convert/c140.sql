SELECT 1; -- comment
/* block /* nested */ */ SELECT 2;

