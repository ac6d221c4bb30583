"""The Dagster webserver serves the code location, and its GraphQL API shows the whole asset graph.

Starts `dagster-webserver` on a free loopback port (≈10 s until GraphQL answers),
in its own process group so that teardown stops it and its code server
(notes trap 7). Deselect with `-m "not slow"`.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ASSET_GRAPH = "{ assetNodes { assetKey { path } dependencyKeys { path } isPartitioned } }"
TABLES = {"dim_locality", "dim_year", "dim_domain", "dim_metric", "dim_report", "fact_indicator", "rejected_report"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(url, data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[str]:
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(root / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "INDICATORS_DB": str(home / "w.duckdb")}
    log = (home / "webserver.log").open("w")
    webserver_bin = Path(sys.executable).with_name("dagster-webserver")
    proc = subprocess.Popen([str(webserver_bin), "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dagster-webserver exited with {proc.returncode}:\n{(home / 'webserver.log').read_text()}")
            try:
                if graphql(url, ASSET_GRAPH).get("data", {}).get("assetNodes"):
                    break  # up, and the code location is loaded
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no asset graph from {url} after 60 s:\n{(home / 'webserver.log').read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the webserver and the code server it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_graphql_shows_every_asset_with_its_upstream(webserver: str) -> None:
    nodes = graphql(webserver, ASSET_GRAPH)["data"]["assetNodes"]
    upstream = {"/".join(n["assetKey"]["path"]): {"/".join(d["path"]) for d in n["dependencyKeys"]} for n in nodes}
    partitioned = {"/".join(n["assetKey"]["path"]) for n in nodes if n["isPartitioned"]}

    assert {"raw_report_files", "parsed_reports", "indicator_mentions", "analyst_views"} | TABLES <= set(upstream)
    assert partitioned == {"raw_report_files", "parsed_reports", "indicator_mentions"}
    assert upstream["raw_report_files"] == set()
    assert upstream["parsed_reports"] == {"raw_report_files"}
    assert upstream["indicator_mentions"] == {"parsed_reports"}
    assert {"indicator_mentions", "dim_report", "dim_locality", "dim_year", "dim_domain", "dim_metric"} \
        <= upstream["fact_indicator"]
    assert "parsed_reports" in upstream["dim_report"]
    assert upstream["analyst_views"] >= TABLES
    # every dependency is itself an asset of the graph: no dangling edge
    assert set().union(*upstream.values()) <= set(upstream)


def test_graphql_lists_the_sensor_and_the_schedule(webserver: str) -> None:
    data = graphql(webserver, """{ repositoriesOrError { ... on RepositoryConnection { nodes {
        sensors { name } schedules { name cronSchedule executionTimezone } } } } }""")["data"]
    (repo,) = data["repositoriesOrError"]["nodes"]
    assert [s["name"] for s in repo["sensors"]] == ["inbox_sensor"]
    assert repo["schedules"] == [{"name": "nightly_build", "cronSchedule": "0 2 * * *",
                                  "executionTimezone": "Asia/Shanghai"}]
