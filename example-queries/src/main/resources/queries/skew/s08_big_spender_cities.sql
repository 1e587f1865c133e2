-- The 10 cities with most customers who spent over 100,000. Trap: an aggregate over the fact
-- table. Calcite estimates the GROUP BY over SALES at 10 rows where 33,647 customers bought
-- something, and the filter on their totals at 5 rows where 477 pass.
SELECT
  ci_name,
  COUNT(*) AS big_customers
FROM
  (
    SELECT
      sa_customer_id,
      SUM(sa_amount) AS total
    FROM
      sales
    GROUP BY
      sa_customer_id
  ) AS spend,
  customer,
  city
WHERE
  spend.sa_customer_id = cu_id
  AND cu_city_id = ci_id
  AND spend.total > 100000
GROUP BY
  ci_name
ORDER BY
  big_customers DESC NULLS LAST,
  ci_name NULLS LAST
FETCH FIRST 10 ROWS ONLY
