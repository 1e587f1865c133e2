-- The 20 wholesale customers with most phone revenue since July 2024. Trap: a conjunction on
-- the fact table (SA_CHANNEL = 'PHONE' 5%, SA_DATE >= DATE '2024-07-01' 50%: 0.8% together,
-- Calcite 7.5%) joined with the Zipf head of CUSTOMER.
SELECT
  cu_name,
  SUM(sa_amount) AS revenue
FROM
  customer,
  sales
WHERE
  sa_customer_id = cu_id
  AND cu_segment = 'WHOLESALE'
  AND sa_channel = 'PHONE'
  AND sa_date >= DATE '2024-07-01'
GROUP BY
  cu_name
ORDER BY
  revenue DESC NULLS LAST,
  cu_name NULLS LAST
FETCH FIRST 20 ROWS ONLY
