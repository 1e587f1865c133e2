-- Wholesale revenue per country. Trap: the Zipf head. CU_SEGMENT = 'WHOLESALE' keeps 1% of
-- CUSTOMER (Calcite guesses 15%), yet those customers place 72% of SALES, so the join with the
-- 500,000-row fact table (estimated at 100 rows) keeps most of it.
SELECT
  co_name,
  COUNT(*) AS sales_count,
  SUM(sa_amount) AS revenue
FROM
  sales,
  customer,
  country
WHERE
  sa_customer_id = cu_id
  AND cu_country_id = co_id
  AND cu_segment = 'WHOLESALE'
GROUP BY
  co_name
ORDER BY
  co_name NULLS LAST
