-- Retail sales of active products in the last week of 2024. Trap: the range predicate is the
-- selective one. SA_DATE >= DATE '2024-12-24' keeps 0.7% of SALES where Calcite guesses 50%;
-- CU_SEGMENT = 'RETAIL' keeps 99% of CUSTOMER and PR_STATUS = 'ACTIVE' 99.8% of PRODUCT where
-- Calcite guesses 15%.
SELECT
  pr_category,
  cu_segment,
  COUNT(*) AS sales_count,
  SUM(sa_amount) AS revenue
FROM
  sales,
  customer,
  product
WHERE
  sa_customer_id = cu_id
  AND sa_product_id = pr_id
  AND pr_status = 'ACTIVE'
  AND cu_segment = 'RETAIL'
  AND sa_date >= DATE '2024-12-24'
GROUP BY
  pr_category,
  cu_segment
ORDER BY
  pr_category NULLS LAST,
  cu_segment NULLS LAST
