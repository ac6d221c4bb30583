"""The production instance (deploy/dagster.postgres.yaml) against a throwaway local PostgreSQL server.

The server comes from the machine's packages (Debian: `apt-get install
postgresql`, binaries in /usr/lib/postgresql/<version>/bin); where there are
none the test is skipped, saying so. It listens on 127.0.0.1 only, on a free
port, with no Unix socket, runs as a non-root user (initdb refuses root) and
is stopped and deleted afterwards.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import BUILD_JOB, build_definitions
from pipelines.extract.report import scan_inbox

psycopg2 = pytest.importorskip("psycopg2", reason="dagster-postgres not installed: pip install -e '.[postgres]'")
pytest.importorskip("dagster_postgres", reason="dagster-postgres not installed: pip install -e '.[postgres]'")


def server_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (Debian layout first, then PATH)."""
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if all(os.access(Path(d) / b, os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return Path(d)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(pg_ctl).resolve().parent
    return None


@dataclass
class Server:
    port: int
    user: str
    password: str
    db: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[Server]:
    bin_dir = server_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine; "
                    "Debian: apt-get install postgresql")
    run_as: dict = {}
    if os.geteuid() == 0:  # initdb refuses root: run the server as the packages' user
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    base = Path(tempfile.mkdtemp(prefix="indicators-pg-"))  # not under pytest's 0700 tmp: the server user reads it
    data, log, pwfile = base / "data", base / "server.log", base / "pw"
    server = Server(port=_free_port(), user="dagster", password="throwaway-pw", db="dagster")
    pwfile.write_text(server.password + "\n")
    if run_as:
        for p in (base, pwfile):
            os.chown(p, run_as["user"], run_as["group"])
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}

    def pg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bin_dir / args[0]), *args[1:]], env=env, cwd=base, capture_output=True,
                              text=True, timeout=120, check=False, **run_as)

    done = pg("initdb", "-D", str(data), "-U", server.user, f"--pwfile={pwfile}", "--auth=scram-sha-256",
              "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
    assert done.returncode == 0, done.stderr
    options = (f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories='' "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    done = pg("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    assert done.returncode == 0, done.stderr + (log.read_text() if log.exists() else "")
    try:
        con = psycopg2.connect(host="127.0.0.1", port=server.port, user=server.user, password=server.password,
                               dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f"CREATE DATABASE {server.db}")
        con.close()
        yield server
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def production_instance(home: Path, server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[dg.DagsterInstance]:
    """deploy/dagster.postgres.yaml as the instance's dagster.yaml, credentials from the environment."""
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
    for var, value in {"DAGSTER_HOME": str(home), "DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(server.port),
                       "DAGSTER_PG_DB": server.db, "DAGSTER_PG_USER": server.user,
                       "DAGSTER_PG_PASSWORD": server.password}.items():
        monkeypatch.setenv(var, value)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        yield instance
    finally:
        instance.dispose()


def test_build_job_on_a_postgres_instance(postgres: Server, tmp_path: Path, root: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted((root / "seeds" / "reports").iterdir())[:2]:
        shutil.copy(sample, inbox / sample.name)
    keys = [src.report_id for src in scan_inbox(inbox)]
    job = build_definitions(db=tmp_path / "w.duckdb", reports_dir=inbox, seeds=root / "seeds").resolve_job_def(BUILD_JOB)

    with production_instance(tmp_path / "dagster_home", postgres, monkeypatch) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        instance.add_dynamic_partitions("reports", keys)
        result = job.execute_in_process(instance=instance, tags={
            "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]})
        assert result.success

        # The run's records, read back through the instance …
        record = instance.get_run_record_by_id(result.run_id)
        assert record is not None and record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_materialized_partitions(dg.AssetKey("indicator_mentions")) == set(keys)
        facts = instance.get_latest_materialization_event(dg.AssetKey("fact_indicator"))
        assert facts is not None and facts.run_id == result.run_id
        assert facts.asset_materialization.metadata["dagster/row_count"].value > 0
        assert instance.get_dynamic_partitions("reports") == keys

    # … and straight from PostgreSQL: they are in the server, not in a SQLite file.
    con = psycopg2.connect(host="127.0.0.1", port=postgres.port, user=postgres.user, password=postgres.password,
                           dbname=postgres.db)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT status FROM runs WHERE run_id = %s", (result.run_id,))
            assert cur.fetchall() == [("SUCCESS",)]
            cur.execute("SELECT count(*) FROM event_logs WHERE run_id = %s "
                        "AND dagster_event_type = 'ASSET_MATERIALIZATION'", (result.run_id,))
            (n_materializations,), = cur.fetchall()
            cur.execute("SELECT count(*) FROM event_logs WHERE run_id = %s "
                        "AND dagster_event_type = 'ASSET_CHECK_EVALUATION'", (result.run_id,))
            (n_checks,), = cur.fetchall()
    finally:
        con.close()
    assert n_materializations == len(result.get_asset_materialization_events()) >= 3 * len(keys)
    assert n_checks == len(result.get_asset_check_evaluations()) > 0
    assert not list((tmp_path / "dagster_home").glob("**/*.db"))  # no SQLite storage was created
