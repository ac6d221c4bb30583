"""End-to-end `indicators build` at scale: wall time, peak memory, facts per second, and the nightly case.

    python benchmarks/bench_build.py                      # 1,000 and 10,000 reports, then +100 nightly
    python benchmarks/bench_build.py --sizes 1000 --nightly 100 --workdir /tmp/bench-build

For each size N it builds a fresh warehouse from the first N reports of a generated
corpus (benchmarks/generate_corpus.py; report i is the same for any N) by running the
real CLI (`indicators build`: Dagster in-process, one run) in a child process, and
measures the child's wall time and peak memory: the largest resident set of one
process, and of the whole process tree (the CLI's worker processes included),
sampled every 0.1 s from /proc. Facts are counted in the warehouse built.

Nightly: `--nightly` new reports arrive in the inbox of the largest warehouse and
the same command runs again; its cost should follow the new work, not the
10,000 reports already staged (target: < 10 % of the full build).

Without DAGSTER_HOME (removed from the child's environment) the CLI uses a
throwaway Dagster instance, as `indicators build` does by default.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Measure:
    wall: float
    peak_process: int  # bytes: the largest single process
    peak_tree: int  # bytes: the largest sum over the process tree at one sample
    output: str


def _children(pid: int) -> list[int]:
    """Child processes of every thread of pid (a process started by another thread is listed there)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> Measure:
    """Run cmd; wall time and peak memory (single process and process tree, sampled from /proc)."""
    peaks = {"process": 0, "tree": 0}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids, todo = [], [proc.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            sizes = [_rss(p) for p in pids]
            peaks["process"] = max(peaks["process"], *sizes)
            peaks["tree"] = max(peaks["tree"], sum(sizes))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-3000:]}")
    return Measure(wall, peaks["process"], peaks["tree"], output)


def corpus(workdir: Path, n: int, seed: int) -> list[Path]:
    """The first n reports of the seeded corpus, generated once into workdir/corpus."""
    out = workdir / f"corpus-seed{seed}"
    manifest = out / ".manifest.csv"
    have = []
    if manifest.exists():
        with manifest.open(encoding="utf-8") as f:
            have = [out / r["file_name"] for r in csv.DictReader(f)]
    if len(have) < n:
        have += generate(n - len(have), out, seed, start=len(have))
    return have[:n]


def inbox(workdir: Path, name: str, files: list[Path]) -> Path:
    """A folder holding (hard links to) exactly these report files."""
    path = workdir / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    for f in files:
        os.link(f, path / f.name)
    return path


def _one(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def count_facts(db: Path) -> int:
    return _one(db, "SELECT count(*) FROM fact_indicator")


def build_mode(db: Path) -> str:
    """full / incremental: how the last build made the tables (warehouse/incremental.py)."""
    return _one(db, "SELECT max(mode) FROM build.meta")


def gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--nightly", type=int, default=100, help="new reports on the largest warehouse (0: skip)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/indicators-bench-build"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    largest = max(args.sizes)
    files = corpus(args.workdir, largest + args.nightly, args.seed)
    cli = Path(sys.executable).parent / "indicators"
    base_cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "pipelines.cli"]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith("INDICATORS_")}
    env.update({k: v for k, v in os.environ.items() if k == "INDICATORS_WORKERS"})
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; "
          f"workers: {env.get('INDICATORS_WORKERS', 'one per core')}")

    lines, full = [], {}
    for n in sorted(args.sizes):
        box = inbox(args.workdir, f"inbox-{n}", files[:n])
        db = args.workdir / f"warehouse-{n}" / "indicators.duckdb"
        shutil.rmtree(db.parent, ignore_errors=True)
        m = measure([*base_cmd, "build", "--reports", str(box), "--db", str(db), "--seeds", str(ROOT / "seeds")],
                    env, ROOT)
        facts = count_facts(db)
        full[n] = m.wall
        lines.append(f"build {n:>6,} reports: {m.wall:7.1f} s wall, peak {gb(m.peak_process)} "
                     f"(process tree {gb(m.peak_tree)}), {facts:,} facts, {facts / m.wall:,.0f} facts/s, "
                     f"{n / m.wall:.1f} reports/s")
        print(lines[-1], flush=True)

    if args.nightly:
        box = args.workdir / f"inbox-{largest}"
        for f in files[largest:largest + args.nightly]:
            os.link(f, box / f.name)
        db = args.workdir / f"warehouse-{largest}" / "indicators.duckdb"
        m = measure([*base_cmd, "build", "--reports", str(box), "--db", str(db), "--seeds", str(ROOT / "seeds")],
                    env, ROOT)
        facts = count_facts(db)
        share = m.wall / full[largest]
        lines.append(f"nightly +{args.nightly} on {largest:,}: {m.wall:7.1f} s wall, peak {gb(m.peak_process)} "
                     f"(process tree {gb(m.peak_tree)}), {facts:,} facts in all, {build_mode(db)} build "
                     f"= {share:.1%} of the full build "
                     f"(target < 10 %: {'met' if share < 0.10 else 'NOT met'})")
        print(lines[-1], flush=True)

    print(f"load average {os.getloadavg()[0]:.2f} at end")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
