"""Extraction throughput on one core, beside the floor: a plain digit scan of the same text.

    python benchmarks/bench_extract.py [--n 300] [--seed 1] [--repeat 3] [--profile]

Generates N reports (benchmarks/generate_corpus.py) into a temporary folder, then in
this one process, over the same texts:

- digit scan:  `for m in re.finditer(r"\\d+", text): pass` — the floor no extractor beats;
- extraction:  `read_report` (decode, title, locality, year …) + `extract_facts`
               (numbers, indicator rules, metric text, domain and metric) per report,
               exactly what the per-report Dagster assets run.

Each is timed `--repeat` times and the best run is kept. Prints characters per
second of both and their ratio (target: extraction ≥ 1/20 of the digit scan).
`--profile` prints the extraction's cProfile top functions instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate  # noqa: E402

from models import Rejection  # noqa: E402
from pipelines.extract.report import extract_facts, read_report, scan_inbox  # noqa: E402

DIGITS = re.compile(r"\d+")


def digit_scan(texts: list[str]) -> int:
    n = 0
    for text in texts:
        for _ in DIGITS.finditer(text):
            n += 1
    return n


def extract(sources) -> tuple[int, int]:
    reports = facts = 0
    for src in sources:
        report = read_report(src)
        if isinstance(report, Rejection):
            continue
        reports += 1
        facts += len(extract_facts(report))
    return reports, facts


def best_of(repeat: int, fn, *args) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="reports to generate and read")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="print the extraction's cProfile top 30")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        generate(args.n, Path(tmp), args.seed)
        sources = scan_inbox(Path(tmp))
        texts = [Path(s.path).read_text(encoding="utf-8") for s in sources]
        chars = sum(map(len, texts))
        extract(sources[:3])  # load reference tables (divisions, seeds) once, outside the timing

        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(extract, sources)
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            return

        t_scan, numbers = best_of(args.repeat, digit_scan, texts)
        t_extract, (reports, facts) = best_of(args.repeat, extract, sources)

    scan_cps, extract_cps = chars / t_scan, chars / t_extract
    print(f"corpus: {len(texts)} reports, {chars:,} characters, {numbers:,} digit runs, "
          f"{reports} reports read, {facts:,} facts")
    print(f"digit scan  {scan_cps:>14,.0f} chars/s  ({t_scan * 1000:.1f} ms)")
    print(f"extraction  {extract_cps:>14,.0f} chars/s  ({t_extract * 1000:.1f} ms, "
          f"{t_extract / len(texts) * 1000:.2f} ms/report, {facts / t_extract:,.0f} facts/s)")
    ratio = extract_cps / scan_cps
    print(f"ratio extraction/digit-scan = 1/{1 / ratio:.1f} (target ≥ 1/20: {'met' if ratio >= 1 / 20 else 'NOT met'})")


if __name__ == "__main__":
    main()
