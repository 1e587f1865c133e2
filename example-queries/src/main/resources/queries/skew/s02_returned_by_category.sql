-- Returned sales of active products per category. Trap: two '=' predicates that Calcite both
-- guesses at 15%: SA_STATUS = 'RETURNED' keeps 0.5% of SALES, PR_STATUS = 'ACTIVE' keeps
-- 99.8% of PRODUCT.
SELECT
  pr_category,
  COUNT(*) AS sales_count,
  SUM(sa_amount) AS revenue
FROM
  sales,
  product,
  customer
WHERE
  sa_product_id = pr_id
  AND sa_customer_id = cu_id
  AND pr_status = 'ACTIVE'
  AND sa_status = 'RETURNED'
GROUP BY
  pr_category
ORDER BY
  pr_category NULLS LAST
