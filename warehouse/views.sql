-- Analyst views. indicator_facts is the contract the evaluation reads
-- (../shared/gold/score.py): keep its column names.

CREATE OR REPLACE VIEW indicator_facts AS
SELECT
    f.fact_id,
    f.report_id,
    r.file_name          AS report_file,
    l.name               AS locality,
    l.code               AS locality_code,
    f.locality_key,
    l.level              AS locality_level,
    l.city,
    l.province,
    f.year,
    f.domain,
    f.metric,
    m.name_zh            AS metric_name,
    f.metric_text,
    f.value,
    f.unit,
    f.qualifier,
    f.kind,
    f.mention,
    f.span_start,
    f.span_end,
    f.sentence,
    f.heading,
    f.raw_value,
    f.raw_unit,
    f.multiplier,
    r.published,
    r.ingested_at,
    r.extractor_version
FROM fact_indicator AS f
JOIN dim_report AS r ON r.report_id = f.report_id
JOIN dim_locality AS l ON l.locality_key = f.locality_key
LEFT JOIN dim_metric AS m ON m.metric = f.metric;

-- One row per series cell: (locality, metric, unit, kind) × year.
-- Values are never summed (two mentions of a metric in one report are
-- usually the same number restated or different sub-counts). `value` is the
-- first mention in the latest-published report; `conflicting` says the cell's
-- facts disagree, so an analyst knows to read them.
CREATE OR REPLACE VIEW metric_series AS
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY locality_key, metric, unit, kind, year
            ORDER BY published DESC NULLS LAST, report_id, span_start, fact_id
        ) AS rank_in_cell
    FROM indicator_facts
    WHERE metric IS NOT NULL
)
SELECT
    locality,
    locality_code,
    locality_key,
    metric,
    unit,
    kind,
    year,
    max(value) FILTER (WHERE rank_in_cell = 1) AS value,
    count(*)                                   AS n_facts,
    count(DISTINCT report_id)                  AS n_reports,
    min(value)                                 AS min_value,
    max(value)                                 AS max_value,
    count(DISTINCT value) > 1                  AS conflicting
FROM ranked
GROUP BY locality, locality_code, locality_key, metric, unit, kind, year;
