"""Extraction throughput on one core, beside the floor: a plain digit scan of the same text.

    python benchmarks/bench_extract.py [--n 300] [--seed 1] [--repeat 3] [--profile] [--breakdown]

Generates N reports (benchmarks/generate_corpus.py) into a temporary folder, then in
this one process, over the same texts:

- digit scan:  `for m in re.finditer(r"\\d+", text): pass` — the floor no extractor beats;
- extraction:  `read_report` (decode, title, locality, year …) + `extract_facts`
               (numbers, indicator rules, metric text, domain and metric) per report,
               exactly what the per-report Dagster assets run.

Each is timed `--repeat` times and the best run is kept. The extraction is measured as
installed: pure Python, or the rule modules compiled with mypyc after `make compiled`. Prints characters per
second of both and their ratio (target: extraction ≥ 1/20 of the digit scan).
`--profile` prints the extraction's cProfile top functions instead. `--breakdown`
also times each stage of the extraction on its own (best of `--repeat`, same corpus)
and prints it in µs per fact; the stages are timed apart, so they add up to about,
not exactly, the extraction's time.
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
from pipelines.extract import report as report_module  # noqa: E402
from pipelines.extract.mentions import find_in_sentence, find_indicators  # noqa: E402
from pipelines.extract.report import extract_facts, read_report, scan_inbox  # noqa: E402
from pipelines.extract.text import normalize, sentences  # noqa: E402

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


def breakdown(sources, repeat: int) -> list[tuple[str, float]]:
    """(stage, µs per fact) of each stage of the extraction, timed apart on the same reports."""
    reports = [r for r in map(read_report, sources) if not isinstance(r, Rejection)]
    texts = [r.text for r in reports]
    norms = [normalize(t) for t in texts]
    wanted = [[s for s in sentences(n) if not (s.in_plan or s.boilerplate)] for n in norms]
    found = [find_indicators(t)[1] for t in texts]
    classifier = report_module._classifier()
    facts = sum(map(len, found))

    def per_fact(fn) -> float:
        return best_of(repeat, fn)[0] / facts * 1e6

    stages = [
        ("`read_report` (decoding, metadata)", per_fact(lambda: [read_report(s) for s in sources])),
        ("`normalize` (folding, OCR breaks, offset map)", per_fact(lambda: [normalize(t) for t in texts])),
        ("`sentences` (headings, plan sections, chrome)", per_fact(lambda: [sentences(n) for n in norms])),
        ("quantities and indicator rules (`find_in_sentence`)",
         per_fact(lambda: [[find_in_sentence(s) for s in ss] for ss in wanted])),
        ("classification (domain, metric)", per_fact(lambda: [classifier.classify_all(
            (f.metric_text, f.sentence.text, f.sentence.heading, f.unit, f.kind) for f in fs) for fs in found])),
    ]
    all_facts = per_fact(lambda: [extract_facts(r) for r in reports])
    indicators = per_fact(lambda: [find_indicators(t) for t in texts])
    # what extract_facts spends beyond finding and classifying: spans, the records and their validation
    stages.append(("`Mention` records, spans (the rest of `extract_facts`)", all_facts - indicators - stages[-1][1]))
    stages.append(("all: `read_report` + `extract_facts`", stages[0][1] + all_facts))
    return stages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="reports to generate and read")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="print the extraction's cProfile top 30")
    ap.add_argument("--breakdown", action="store_true", help="also time each stage, in µs per fact")
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
        stages = breakdown(sources, args.repeat) if args.breakdown else []

    scan_cps, extract_cps = chars / t_scan, chars / t_extract
    compiled = not str(report_module.__file__).endswith(".py")
    print(f"extractor: {'compiled with mypyc (make compiled)' if compiled else 'pure Python (make compiled: mypyc)'}")
    print(f"corpus: {len(texts)} reports, {chars:,} characters, {numbers:,} digit runs, "
          f"{reports} reports read, {facts:,} facts")
    print(f"digit scan  {scan_cps:>14,.0f} chars/s  ({t_scan * 1000:.1f} ms)")
    print(f"extraction  {extract_cps:>14,.0f} chars/s  ({t_extract * 1000:.1f} ms, "
          f"{t_extract / len(texts) * 1000:.2f} ms/report, {facts / t_extract:,.0f} facts/s)")
    if stages:
        print("\n| stage | µs per fact |\n|---|---|")
        for name, us in stages:
            print(f"| {name} | {us:.1f} |")
        print()
    ratio = extract_cps / scan_cps
    print(f"ratio extraction/digit-scan = 1/{1 / ratio:.1f} (target ≥ 1/20: {'met' if ratio >= 1 / 20 else 'NOT met'})")


if __name__ == "__main__":
    main()
