-- TPC-H Q14, promotion effect. Validation parameter: DATE = 1995-09-01. The ratio is divided
-- in DOUBLE: DECIMAL division rounds to engine-specific scales.
SELECT
  100.00 * CAST(SUM(CASE
    WHEN p_type LIKE 'PROMO%' THEN l_extendedprice * (1 - l_discount)
    ELSE 0
  END) AS DOUBLE) / CAST(SUM(l_extendedprice * (1 - l_discount)) AS DOUBLE) AS promo_revenue
FROM
  lineitem,
  part
WHERE
  l_partkey = p_partkey
  AND l_shipdate >= DATE '1995-09-01'
  AND l_shipdate < DATE '1995-09-01' + INTERVAL '1' MONTH
