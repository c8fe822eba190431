SELECT 'é;ü' AS "naïve"; SELECT '日本';
