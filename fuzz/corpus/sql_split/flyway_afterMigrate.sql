-- a Flyway callback: runs after every migrate in Flyway, never in strata
SELECT 1;
