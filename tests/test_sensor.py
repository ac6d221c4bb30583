"""The inbox sensor and the nightly schedule: new and changed files become partitions read in one run."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines import automation
from pipelines.automation import RANGE_END_TAG, RANGE_START_TAG, WAREHOUSE_ASSETS, inbox_sensor, nightly_build
from pipelines.definitions import BUILD_JOB, build_definitions, defs
from pipelines.extract.report import scan_inbox
from pipelines.resources import InboxResource, WarehouseResource

PARTITIONS = "reports"


@pytest.fixture
def inbox(tmp_path: Path, root: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for sample in sorted((root / "seeds" / "reports").iterdir())[:2]:
        shutil.copy(sample, folder / sample.name)
    return folder


@pytest.fixture
def instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.ephemeral()


def ids(folder: Path) -> list[str]:
    return [src.report_id for src in scan_inbox(folder)]


def tick(instance: dg.DagsterInstance, inbox: Path, cursor: str | None, root: Path):
    """One sensor evaluation; applies its partition requests as the daemon would."""
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={
        "inbox": InboxResource(reports_dir=str(inbox), seeds_dir=str(root / "seeds"))})
    result = inbox_sensor(context)
    if isinstance(result, dg.SensorResult):
        for request in result.dynamic_partitions_requests or []:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def added(result: dg.SensorResult) -> list[str]:
    return [k for r in result.dynamic_partitions_requests or [] for k in r.partition_keys]


def partition_range(request: dg.RunRequest) -> tuple[str, str]:
    return request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]


def test_sensor_and_schedule_are_in_the_code_location() -> None:
    assert defs.resolve_sensor_def("inbox_sensor").job_name == BUILD_JOB
    assert defs.resolve_schedule_def("nightly_build").job_name == BUILD_JOB


def test_new_files_become_partitions_read_in_one_run(instance, inbox: Path, root: Path) -> None:
    first = tick(instance, inbox, None, root)
    assert isinstance(first, dg.SensorResult)
    keys = ids(inbox)
    assert added(first) == keys
    assert instance.get_dynamic_partitions(PARTITIONS) == keys
    (request,) = first.run_requests  # one run for all new reports, not one per report
    assert request.job_name == BUILD_JOB and request.partition_key is None
    assert partition_range(request) == (keys[0], keys[-1])
    assert first.cursor

    again = tick(instance, inbox, first.cursor, root)  # nothing changed: nothing to do
    assert isinstance(again, dg.SkipReason)
    assert instance.get_dynamic_partitions(PARTITIONS) == keys


def test_changed_and_added_files_are_new_keys(instance, inbox: Path, root: Path) -> None:
    cursor = tick(instance, inbox, None, root).cursor
    before = ids(inbox)

    changed = sorted(inbox.iterdir())[0]
    changed.write_bytes(changed.read_bytes() + "\n（修订）".encode())
    result = tick(instance, inbox, cursor, root)
    (new_key,) = added(result)
    assert new_key not in before and new_key in ids(inbox)
    (request,) = result.run_requests
    assert partition_range(request) == (new_key, new_key)  # only the changed report is read
    # the old reading stays registered (its history is kept); the warehouse follows the inbox
    assert instance.get_dynamic_partitions(PARTITIONS) == [*before, new_key]

    third = sorted((root / "seeds" / "reports").iterdir())[2]
    shutil.copy(third, inbox / third.name)
    result2 = tick(instance, inbox, result.cursor, root)
    (third_key,) = added(result2)
    assert partition_range(result2.run_requests[0]) == (third_key, third_key)
    assert isinstance(tick(instance, inbox, result2.cursor, root), dg.SkipReason)


def test_a_removed_file_refreshes_the_tables_only(instance, inbox: Path, root: Path) -> None:
    cursor = tick(instance, inbox, None, root).cursor
    sorted(inbox.iterdir())[0].unlink()
    result = tick(instance, inbox, cursor, root)
    assert added(result) == []
    (request,) = result.run_requests
    assert request.asset_selection == WAREHOUSE_ASSETS and RANGE_START_TAG not in request.tags


def test_the_sensors_run_reads_exactly_the_new_reports(instance, inbox: Path, root: Path, tmp_path: Path) -> None:
    cursor = tick(instance, inbox, None, root).cursor
    third = sorted((root / "seeds" / "reports").iterdir())[2]
    shutil.copy(third, inbox / third.name)
    result = tick(instance, inbox, cursor, root)
    (new_key,) = added(result)

    job = build_definitions(db=tmp_path / "w.duckdb", reports_dir=inbox, seeds=root / "seeds").resolve_job_def(BUILD_JOB)
    run = job.execute_in_process(instance=instance, tags=result.run_requests[0].tags)
    assert run.success
    read = {e.partition for e in run.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey("indicator_mentions")}
    assert read == {new_key}


def test_missing_inbox_is_skipped(instance, tmp_path: Path, root: Path) -> None:
    assert isinstance(tick(instance, tmp_path / "nowhere", None, root), dg.SkipReason)


# ---------------------------------------------------------------- schedule


def test_nightly_schedule_definition() -> None:
    schedule = defs.resolve_schedule_def("nightly_build")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("inbox_sensor").default_status == dg.DefaultSensorStatus.RUNNING


@pytest.fixture
def persistent_instance():
    """A schedule's context needs an instance it can reference (not an ephemeral one)."""
    with dg.instance_for_test() as instance:
        yield instance


def test_nightly_schedule_reads_new_work_then_only_refreshes(persistent_instance, inbox: Path, root: Path,
                                                             tmp_path: Path) -> None:
    instance = persistent_instance
    db = tmp_path / "w.duckdb"
    resources = {"inbox": InboxResource(reports_dir=str(inbox), seeds_dir=str(root / "seeds")),
                 "warehouse": WarehouseResource(db_path=str(db))}

    def evaluate() -> list[dg.RunRequest]:
        context = dg.build_schedule_context(instance=instance, resources=resources,
                                            scheduled_execution_time=datetime(2026, 1, 1, 18, tzinfo=UTC))
        return list(nightly_build(context))

    (request,) = evaluate()  # new files, sensor never ran: the schedule registers and reads them
    keys = ids(inbox)
    assert instance.get_dynamic_partitions(PARTITIONS) == keys
    assert partition_range(request) == (keys[0], keys[-1])

    job = build_definitions(db=db, reports_dir=inbox, seeds=root / "seeds").resolve_job_def(BUILD_JOB)
    assert job.execute_in_process(instance=instance, tags=request.tags).success

    (refresh,) = evaluate()  # nothing new or stale: refresh the star schema (and run its checks)
    assert refresh.asset_selection == WAREHOUSE_ASSETS
    assert job.execute_in_process(instance=instance, asset_selection=refresh.asset_selection).success


def test_read_request_spans_keys_in_registration_order() -> None:
    request = automation.read_request(["c", "a"], ["a", "b", "c", "d"])
    assert partition_range(request) == ("a", "c")
