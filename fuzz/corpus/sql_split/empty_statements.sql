;;
  ;
/* only a comment */;
-- c
