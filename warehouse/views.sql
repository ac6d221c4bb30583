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
    f.status,
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
    r.extractor_version,
    f.corrected_by
FROM fact_indicator AS f
JOIN dim_report AS r ON r.report_id = f.report_id
JOIN dim_locality AS l ON l.locality_key = f.locality_key
LEFT JOIN dim_metric AS m ON m.metric = f.metric;

-- One row per series cell: (locality, metric, unit, kind) × year.
-- Values are never summed (two mentions of a metric in one report are
-- usually the same number restated or different sub-counts). `value` is the
-- first mention in the latest-published report; `conflicting` says one report
-- gives different values for the cell, `vintages_differ` that different
-- reports do, so an analyst knows to read the facts behind it.
-- Stored per build in derived.metric_series (the windows over every fact took seconds on
-- millions of facts, on every query) by warehouse/load.py refresh_metric_series: all of it after a
-- full build, the touched localities' cells after an incremental one (every window below is
-- partitioned by locality). The view metric_series is the name analysts and the macros use.
CREATE SCHEMA IF NOT EXISTS derived;
CREATE OR REPLACE VIEW derived.metric_series_cells AS
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY locality_key, metric, unit, kind, year
            ORDER BY published DESC NULLS LAST, report_id, span_start, fact_id
        ) AS rank_in_cell,
        count(DISTINCT value) OVER (PARTITION BY locality_key, metric, unit, kind, year, report_id)
            AS values_in_report
    FROM indicator_facts
    WHERE metric IS NOT NULL
),
chosen AS (  -- the value each report gives the cell: its first mention
    SELECT *, row_number() OVER (
        PARTITION BY locality_key, metric, unit, kind, year, report_id ORDER BY span_start, fact_id
    ) = 1 AS first_in_report
    FROM ranked
)
SELECT
    locality,
    locality_code,
    locality_key,
    metric,
    any_value(metric_name)                     AS metric_name,
    unit,
    kind,
    year,
    max(value) FILTER (WHERE rank_in_cell = 1) AS value,
    count(*)                                   AS n_facts,
    count(DISTINCT report_id)                  AS n_reports,
    min(value)                                 AS min_value,
    max(value)                                 AS max_value,
    max(values_in_report) > 1                  AS conflicting,
    count(DISTINCT value) FILTER (WHERE first_in_report) > 1 AS vintages_differ
FROM chosen
GROUP BY locality, locality_code, locality_key, metric, unit, kind, year;
CREATE TABLE IF NOT EXISTS derived.metric_series AS SELECT * FROM derived.metric_series_cells LIMIT 0;
CREATE OR REPLACE VIEW metric_series AS SELECT * FROM derived.metric_series;

-- The catalog's coverage matrix: every metric × every locality × every year
-- of the warehouse, data or not, so gaps are rows to count, not absences to
-- notice. has_report tells "no report for that place and year" apart from
-- "the report says nothing about this metric".
CREATE OR REPLACE VIEW coverage AS
WITH cells AS (
    SELECT locality_key, metric, year, count(*) AS n_facts, count(DISTINCT report_id) AS n_reports
    FROM fact_indicator
    WHERE metric IS NOT NULL
    GROUP BY ALL
),
reported AS (
    SELECT DISTINCT locality_key, year FROM dim_report
)
SELECT
    m.metric,
    m.name_zh                   AS metric_name,
    m.domain,
    l.name                      AS locality,
    l.code                      AS locality_code,
    l.locality_key,
    y.year,
    r.locality_key IS NOT NULL  AS has_report,
    c.n_facts IS NOT NULL       AS has_data,
    coalesce(c.n_facts, 0)      AS n_facts,
    coalesce(c.n_reports, 0)    AS n_reports
FROM dim_metric AS m
CROSS JOIN dim_locality AS l
CROSS JOIN dim_year AS y
LEFT JOIN reported AS r ON r.locality_key = l.locality_key AND r.year = y.year
LEFT JOIN cells AS c ON c.locality_key = l.locality_key AND c.metric = m.metric AND c.year = y.year;

-- Facts the extractor may have got wrong, one row per fact with every reason
-- that applies (codes in `reason`, words in `detail`). A fact an analyst has
-- reviewed (any fix in seeds/corrections.csv, even one that changes nothing)
-- leaves the queue.
CREATE OR REPLACE VIEW review_queue AS
WITH unit_group(unit, unit_group) AS (
    -- Measure words that count the same thing: 名 vs 人 is no reason to look again, 件 vs 人 is.
    VALUES ('人', 'persons'), ('名', 'persons'), ('位', 'persons'),
           ('件', 'cases'), ('起', 'cases'), ('宗', 'cases'), ('件次', 'cases'),
           ('项', 'items'), ('个', 'items'),
           ('场', 'sessions'), ('场次', 'sessions'), ('次', 'sessions'), ('期', 'sessions'), ('轮', 'sessions'),
           ('户', 'entities'), ('户(次)', 'entities'), ('家', 'entities'),
           ('条', 'posts'), ('条次', 'posts'), ('条(次)', 'posts'), ('篇', 'posts')
),
facts AS (
    SELECT f.*, m.usual_unit, m.kind AS metric_kind,
           gu.unit_group AS fact_unit_group, gm.unit_group AS usual_unit_group
    FROM indicator_facts AS f
    LEFT JOIN dim_metric AS m ON m.metric = f.metric
    LEFT JOIN unit_group AS gu ON gu.unit = f.unit
    LEFT JOIN unit_group AS gm ON gm.unit = m.usual_unit
    WHERE f.corrected_by IS NULL
),
conflicts AS (
    SELECT locality_key, metric, unit, kind, year FROM metric_series WHERE conflicting
),
reasons AS (
    SELECT fact_id, 'no_metric' AS code, 'fits no catalog metric' AS detail
    FROM facts WHERE metric IS NULL
    UNION ALL
    SELECT fact_id, 'no_counted_thing', 'metric_text "' || metric_text || '" says too little about what is counted'
    FROM facts WHERE length(trim(metric_text)) < 2
    UNION ALL
    SELECT fact_id, 'kind_mismatch', kind || ' fact, but ' || metric || ' is a ' || metric_kind || ' metric'
    FROM facts WHERE metric_kind IS NOT NULL AND kind <> metric_kind
    UNION ALL
    SELECT fact_id, 'unusual_unit', 'unit ' || unit || ', ' || metric || ' is usually counted in ' || usual_unit
    FROM facts
    WHERE usual_unit IS NOT NULL AND kind = metric_kind AND unit <> usual_unit
      AND fact_unit_group IS DISTINCT FROM usual_unit_group
    UNION ALL
    SELECT fact_id, 'ratio_over_100', 'a share of ' || value || '%'
    FROM facts WHERE kind = 'ratio' AND unit = '%' AND value > 100
    UNION ALL
    SELECT fact_id, 'negative_value', 'negative ' || kind
    FROM facts WHERE value < 0 AND kind <> 'change'
    UNION ALL
    SELECT f.fact_id, 'conflicting', 'the report gives other values for this metric and year'
    FROM facts AS f
    JOIN conflicts AS c
      ON c.locality_key = f.locality_key AND c.metric = f.metric AND c.unit = f.unit
     AND c.kind = f.kind AND c.year = f.year
)
SELECT
    f.fact_id,
    f.report_file,
    f.locality,
    f.year,
    f.domain,
    f.metric,
    f.metric_text,
    f.mention,
    f.value,
    f.unit,
    f.kind,
    f.span_start,
    f.span_end,
    string_agg(r.code, ', ' ORDER BY r.code)     AS reason,
    string_agg(r.detail, '; ' ORDER BY r.code)   AS detail,
    f.sentence
FROM facts AS f
JOIN reasons AS r USING (fact_id)
GROUP BY ALL;

-- The most frequent things counted that fit no catalog metric: where the
-- catalog (seeds/metrics.csv, seeds/metric_rules.csv) should grow next.
CREATE OR REPLACE VIEW unclassified_metric_texts AS
SELECT
    metric_text,
    count(*)                                     AS n_facts,
    count(DISTINCT report_id)                    AS n_reports,
    count(DISTINCT locality_key)                 AS n_localities,
    string_agg(DISTINCT unit, ' ' ORDER BY unit) AS units,
    string_agg(DISTINCT domain, ' ' ORDER BY domain) AS domains,
    arg_min(mention, report_file || lpad(span_start::VARCHAR, 10, '0')) AS example_mention,
    arg_min(sentence, report_file || lpad(span_start::VARCHAR, 10, '0')) AS example_sentence
FROM indicator_facts
WHERE metric IS NULL
GROUP BY metric_text
ORDER BY n_facts DESC, n_reports DESC, metric_text;
