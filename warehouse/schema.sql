-- Star schema of the indicator warehouse.
--
-- The warehouse is a pure function of the staged reports and the seeds:
-- warehouse/load.py recreates these tables in one transaction, or updates
-- them with just the changed reports (warehouse/incremental.py) to the same
-- rows; this file is the whole truth about their shape.
--
-- Room to grow without a redesign (../shared/notes/what-users-expect.md):
-- * vintages: a fact belongs to the report (publication) that stated it, and
--   dim_report carries published/ingested_at, so a later report restating a
--   year is simply another vintage; "as of" = filter on those dates.
-- * corrections: seeds/corrections.csv is applied after the staged facts are
--   read (warehouse/corrections.py); fact_indicator.corrected_by and the
--   correction table record what each correction did.
-- * locality history: dim_locality is keyed by a surrogate-like key
--   (official code or slug), so validity dates or parent versions can be
--   added as columns or a bridge table.
-- * observation status: fact_indicator.status says reported / estimated /
--   preliminary (SDMX OBS_STATUS), beside the qualifier's approx/over/...

CREATE TABLE dim_locality (
    locality_key  VARCHAR PRIMARY KEY,  -- official NBS code, or a stable slug for zones without one
    name          VARCHAR NOT NULL,     -- standard name (峄城区, never the OCR error 峰城区)
    code          VARCHAR,              -- official division code (2/4/6 digits) or NULL
    level         VARCHAR NOT NULL,     -- province / city / county / zone
    city          VARCHAR,
    city_code     VARCHAR,
    province      VARCHAR,
    province_code VARCHAR
);

CREATE TABLE dim_year (
    year INTEGER PRIMARY KEY
);

CREATE TABLE dim_domain (
    domain      VARCHAR PRIMARY KEY,
    name_zh     VARCHAR NOT NULL,
    name_en     VARCHAR,
    description VARCHAR
);

CREATE TABLE dim_metric (
    metric     VARCHAR PRIMARY KEY,  -- stable catalog code: add rows, never rename
    domain     VARCHAR NOT NULL REFERENCES dim_domain (domain),
    name_zh    VARCHAR NOT NULL,
    name_en    VARCHAR,
    usual_unit VARCHAR,
    kind       VARCHAR,
    covers     VARCHAR
);

CREATE TABLE dim_report (
    report_id         VARCHAR PRIMARY KEY,  -- first 16 hex of the file's sha256
    file_name         VARCHAR NOT NULL,
    sha256            VARCHAR NOT NULL,
    content_sha256    VARCHAR NOT NULL,     -- of the text, white space and punctuation folded: shared by
                                            -- the same report in another file (warehouse/dedupe.py)
    size_bytes        BIGINT NOT NULL,
    format            VARCHAR NOT NULL,
    encoding          VARCHAR,
    title             VARCHAR,
    locality_key      VARCHAR NOT NULL REFERENCES dim_locality (locality_key),
    year              INTEGER NOT NULL REFERENCES dim_year (year),
    published         DATE,
    doc_number        VARCHAR,
    issuer            VARCHAR,
    text              VARCHAR NOT NULL,  -- the decoded text every span refers to
    ingested_at       TIMESTAMPTZ NOT NULL,
    extractor_version VARCHAR NOT NULL
);

CREATE TABLE fact_indicator (
    fact_id        VARCHAR PRIMARY KEY,  -- hash of report_id, span and metric_text: stable across rebuilds
    report_id      VARCHAR NOT NULL REFERENCES dim_report (report_id),
    locality_key   VARCHAR NOT NULL REFERENCES dim_locality (locality_key),
    year           INTEGER NOT NULL REFERENCES dim_year (year),
    domain         VARCHAR REFERENCES dim_domain (domain),
    metric         VARCHAR REFERENCES dim_metric (metric),  -- NULL: the mention fits no catalog row
    metric_text    VARCHAR NOT NULL,  -- what the number counts, in the report's words
    value          DOUBLE NOT NULL,   -- normalized: multiplier folded in, money in 元, signed changes
    unit           VARCHAR NOT NULL,
    raw_value      VARCHAR NOT NULL,  -- the number as written
    raw_unit       VARCHAR NOT NULL,  -- multiplier, qualifier suffix and unit as written
    multiplier     INTEGER NOT NULL,  -- power of ten folded in (SDMX UNIT_MULT)
    qualifier      VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    status         VARCHAR NOT NULL DEFAULT 'reported'  -- reported / estimated (预计) / preliminary (初步统计)
                   CHECK (status IN ('reported', 'estimated', 'preliminary')),
    mention        VARCHAR NOT NULL,  -- dim_report.text[span_start:span_end]
    span_start     INTEGER NOT NULL,
    span_end       INTEGER NOT NULL,
    sentence       VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    heading        VARCHAR,
    corrected_by   VARCHAR,           -- correction.correction_id that fixed or added this fact, else NULL
    CHECK (span_end > span_start)
);

-- Files set aside, with the reason an analyst can act on. Not a dimension:
-- a rejected file has no trustworthy locality or year.
CREATE TABLE rejected_report (
    report_id VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    path      VARCHAR NOT NULL,
    sha256    VARCHAR,
    stage     VARCHAR NOT NULL,  -- read / decode / metadata / extract / duplicate
    reason    VARCHAR NOT NULL,
    seen_at   TIMESTAMPTZ NOT NULL
);

-- Every row of seeds/corrections.csv and what became of it on this build. No
-- foreign keys: a correction that no longer matches has no fact (or report).
CREATE TABLE correction (
    correction_id VARCHAR PRIMARY KEY,  -- hash of the row's content: stable when rows are added above it
    line          INTEGER NOT NULL,     -- line in corrections.csv, to find it
    action        VARCHAR NOT NULL,     -- fix / remove / add
    report        VARCHAR NOT NULL,     -- as written: file name or sha256 prefix
    report_id     VARCHAR,
    span_start    INTEGER,
    span_end      INTEGER,
    fact_id       VARCHAR,              -- the fact fixed, removed or added
    status        VARCHAR NOT NULL,     -- applied / unmatched (no longer fits the facts) / invalid (malformed row)
    detail        VARCHAR,              -- why it was not applied
    changes       VARCHAR,              -- what it changed, e.g. "value: 25.0 → 26.0"
    reason        VARCHAR NOT NULL,
    author        VARCHAR NOT NULL
);
