SELECT E'it\'s;', 'a''b;', "q;""x"; /* outer /* nested; */ still; */ SELECT 2;
-- trailing; comment
