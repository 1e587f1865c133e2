-- Sales of recalled products per continent, a five-table join. Trap: PR_STATUS = 'RECALLED'
-- keeps 10 of 5,000 products (Calcite guesses 15%) and, because they are the least popular,
-- 176 of 500,000 sales; every table, 50 to 500,000 rows, is estimated at 100.
SELECT
  co_continent,
  COUNT(*) AS sales_count,
  SUM(sa_amount) AS revenue
FROM
  sales,
  customer,
  city,
  country,
  product
WHERE
  sa_customer_id = cu_id
  AND cu_city_id = ci_id
  AND ci_country_id = co_id
  AND sa_product_id = pr_id
  AND pr_status = 'RECALLED'
GROUP BY
  co_continent
ORDER BY
  co_continent NULLS LAST
