-- Table macros for the common questions, over metric_series (created with the
-- views: warehouse/load.py create_views). DuckDB 2.0 syntax:
--   CREATE OR REPLACE MACRO name(params) AS TABLE <select>;
-- Parameter names take priority over column names inside a macro, so none of
-- them is the name of a column.

-- One metric across localities for one year, largest first.
--   SELECT * FROM metric_by_locality('reconsideration_received', 2021);
CREATE OR REPLACE MACRO metric_by_locality(metric_code, for_year) AS TABLE
SELECT locality, locality_code, metric, unit, kind, year, value, n_facts, conflicting
FROM metric_series
WHERE metric = metric_code AND year = for_year
ORDER BY value DESC, locality;

-- One locality's metrics across years; the locality by name, official code or key.
--   SELECT * FROM locality_profile('峄城区');
CREATE OR REPLACE MACRO locality_profile(place) AS TABLE
SELECT s.locality, s.locality_code, m.domain, s.metric, s.metric_name, s.unit, s.kind, s.year, s.value,
       s.n_facts, s.conflicting
FROM metric_series AS s
JOIN dim_metric AS m USING (metric)
WHERE place IN (s.locality, s.locality_code, s.locality_key)
ORDER BY m.domain, s.metric, s.unit, s.year;

-- Year-on-year change of one metric in each locality: against the value of the
-- year before (NULL when that year has no value: a gap is not a zero).
--   SELECT * FROM yoy_change('mediation_cases');
CREATE OR REPLACE MACRO yoy_change(metric_code) AS TABLE
SELECT cur.locality, cur.locality_code, cur.metric, cur.unit, cur.kind, cur.year,
       cur.value,
       prev.value                                              AS previous_value,
       cur.value - prev.value                                  AS change,
       round(100 * (cur.value - prev.value) / nullif(prev.value, 0), 2) AS change_pct
FROM metric_series AS cur
LEFT JOIN metric_series AS prev
  ON prev.locality_key = cur.locality_key AND prev.metric = cur.metric AND prev.unit = cur.unit
 AND prev.kind = cur.kind AND prev.year = cur.year - 1
WHERE cur.metric = metric_code
ORDER BY cur.locality, cur.unit, cur.year;
