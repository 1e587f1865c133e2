-- TPC-H Q11, important stock identification. Validation parameters: NATION = GERMANY,
-- FRACTION = 0.0001 (the value for scale factor 1, as the reference answers use). The
-- specification's column name VALUE is a reserved word in Calcite and H2: it is part_value here.
SELECT
  ps_partkey,
  SUM(ps_supplycost * ps_availqty) AS part_value
FROM
  partsupp,
  supplier,
  nation
WHERE
  ps_suppkey = s_suppkey
  AND s_nationkey = n_nationkey
  AND n_name = 'GERMANY'
GROUP BY
  ps_partkey
HAVING
  SUM(ps_supplycost * ps_availqty) > (
    SELECT
      SUM(ps_supplycost * ps_availqty) * 0.0001
    FROM
      partsupp,
      supplier,
      nation
    WHERE
      ps_suppkey = s_suppkey
      AND s_nationkey = n_nationkey
      AND n_name = 'GERMANY'
  )
ORDER BY
  part_value DESC NULLS LAST
