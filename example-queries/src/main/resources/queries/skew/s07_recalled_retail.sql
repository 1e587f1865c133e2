-- Retail sales of recalled products. Trap: a join-order choice between two '=' predicates
-- that Calcite both guesses at 15%. CU_SEGMENT = 'RETAIL' keeps 99% of CUSTOMER (and 28% of
-- SALES), PR_STATUS = 'RECALLED' keeps 0.2% of PRODUCT (and 0.04% of SALES): joining SALES
-- with PRODUCT first is the right order, with CUSTOMER first the stock one.
SELECT
  pr_name,
  COUNT(*) AS sales_count,
  SUM(sa_amount) AS revenue
FROM
  sales,
  customer,
  product
WHERE
  sa_customer_id = cu_id
  AND sa_product_id = pr_id
  AND cu_segment = 'RETAIL'
  AND pr_status = 'RECALLED'
GROUP BY
  pr_name
ORDER BY
  pr_name NULLS LAST
