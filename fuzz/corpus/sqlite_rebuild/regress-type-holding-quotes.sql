CREATE TABLE u(i'''''''''''');
