-- Phone sales per city of country 1. Trap: correlated predicates. CU_COUNTRY_ID is the country
-- of CU_CITY_ID, so after the join ci_country_id = 1 removes nothing, while Calcite multiplies
-- both 15% guesses; country 1 also holds 22% of cities and 21% of customers (Zipf), and
-- SA_CHANNEL = 'PHONE' keeps 5% of SALES, not 15%.
SELECT
  ci_name,
  COUNT(*) AS sales_count
FROM
  sales,
  customer,
  city
WHERE
  sa_customer_id = cu_id
  AND cu_city_id = ci_id
  AND cu_country_id = 1
  AND ci_country_id = 1
  AND sa_channel = 'PHONE'
GROUP BY
  ci_name
ORDER BY
  ci_name NULLS LAST
