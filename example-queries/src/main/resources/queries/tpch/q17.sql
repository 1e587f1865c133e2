-- TPC-H Q17, small-quantity-order revenue. Validation parameters: BRAND = Brand#23,
-- CONTAINER = MED BOX. AVG and the division run in DOUBLE: an AVG over DECIMAL keeps the
-- column's scale in Calcite but not in H2.
SELECT
  CAST(SUM(l_extendedprice) AS DOUBLE) / 7.0 AS avg_yearly
FROM
  lineitem,
  part
WHERE
  p_partkey = l_partkey
  AND p_brand = 'Brand#23'
  AND p_container = 'MED BOX'
  AND l_quantity < (
    SELECT
      0.2 * AVG(CAST(l_quantity AS DOUBLE))
    FROM
      lineitem
    WHERE
      l_partkey = p_partkey
  )
