"""`opskit run` for real: due jobs, two runs at once, a killed run's lock, metrics, shards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opskit.locking import holder
from opskit.store import Store
from support import busy_machine
from support.cli import run_opskit
from support.limits import NEVER
from support.processes import alive, command_lines, descendants, wait_for

pytestmark = pytest.mark.integration


def scheduled_config(make_config, tmp_path: Path, silent_port: int, **extra: object) -> Path:
    return make_config(
        {
            "host_checks": NEVER,  # the host-checks job's verdict must not depend on this machine
            "hosts": [
                {
                    "name": "hung",
                    "address": "127.0.0.1",
                    "port": silent_port,
                    "connect_timeout_seconds": 4,
                }
            ],
            "schedule": {
                "jobs": [
                    {"name": "slow-ping", "cron": "0 0 * * *", "run": "hosts ping hung"},
                    {"name": "host-checks", "cron": "0 0 * * *", "run": "check host local"},
                    {
                        "name": "daily-report",
                        "cron": "0 0 * * *",
                        "run": "report daily --formats html",
                    },
                ],
                **extra,
            },
        }
    )


def wait_for_lock(lock: Path, timeout_seconds: float = 30) -> None:
    """Wait until some process holds ``lock`` (a job has started)."""
    deadline = time.monotonic() + timeout_seconds
    while holder(lock) is None:
        assert time.monotonic() < deadline, f"nobody took {lock}"
        time.sleep(0.05)


def backdate_first_seen(config: Path, tmp_path: Path) -> None:
    """Pretend opskit saw the jobs two days ago, so last midnight's run is due now."""
    with Store.open(tmp_path / "state" / "history.sqlite") as store:
        for name, state in store.state_items("schedule.jobs").items():
            state["first_seen"] = (datetime.now(UTC) - timedelta(days=2)).isoformat()
            store.put_state("schedule.jobs", name, state)


def test_due_jobs_run_in_order_once_then_wait(
    make_config, tmp_path: Path, silent_port: int
) -> None:
    config = scheduled_config(make_config, tmp_path, silent_port)

    first = run_opskit("--config", config, "run", "--format", "json")
    backdate_first_seen(config, tmp_path)
    due = run_opskit("--config", config, "run", "--format", "json", timeout=180)
    again = run_opskit("--config", config, "run", "--format", "json")

    assert first.json["data"]["jobs"] == [] and "no job is due" in " ".join(first.json["messages"])
    jobs = due.json["data"]["jobs"]
    assert [job["name"] for job in jobs] == ["host-checks", "slow-ping", "daily-report"]
    statuses = {job["name"]: job["status"] for job in jobs}
    assert statuses["slow-ping"] == "UNKNOWN"  # the hung host
    assert statuses["daily-report"] == "OK"
    assert due.exit_code == 3 and due.json["status"] == "UNKNOWN"  # worst of the jobs
    assert again.json["data"]["jobs"] == []  # each ran once for this minute
    [daily] = (tmp_path / "state" / "reports" / "daily").glob("daily-*.html")
    assert "host-checks" in daily.read_text() and "slow-ping" in daily.read_text()  # the heartbeat
    shown = run_opskit("--config", config, "schedule", "show", "--format", "json").json["data"]
    shown = shown["jobs"]
    assert {job["name"]: job["last_status"] for job in shown}["daily-report"] == "OK"


def test_jobs_run_the_installed_opskit_whatever_the_working_directory(
    make_config, tmp_path: Path, silent_port: int
) -> None:
    """A folder named opskit where the admin stands (a checkout, say) must not replace opskit.

    On a busy machine (load, memory, a nearly full disk) too: the job's verdict comes from
    the thresholds in the test's own config, never from the state of the machine.
    """
    config = scheduled_config(make_config, tmp_path, silent_port)
    workdir = tmp_path / "workdir"
    (workdir / "opskit").mkdir(parents=True)
    (workdir / "opskit" / "__init__.py").write_text('raise ImportError("not the real opskit")\n')
    opskit = str(Path(sys.executable).with_name("opskit"))  # the console script, as cron runs it
    job = [opskit, "--config", str(config), "run", "--job", "host-checks", "--format", "json"]

    completed = subprocess.run(
        busy_machine.argv(tmp_path / "busy", job),
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=120,
        check=False,
    )

    [job] = json.loads(completed.stdout)["data"]["jobs"]
    assert job["status"] == "OK", job


def test_two_runs_at_once_run_the_job_once(make_config, tmp_path: Path, silent_port: int) -> None:
    config = scheduled_config(make_config, tmp_path, silent_port)
    command = [
        sys.executable,
        "-m",
        "opskit",
        "--config",
        str(config),
        "run",
        "--job",
        "slow-ping",
        "--format",
        "json",
    ]

    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    wait_for_lock(tmp_path / "state" / "locks" / "job-slow-ping.lock")
    second = run_opskit(*command[3:])
    first_out, _ = first.communicate(timeout=60)

    assert second.json["data"]["jobs"] == []
    assert any(
        "skipped slow-ping: job slow-ping is already running by pid" in message
        for message in second.json["messages"]
    )
    assert [job["name"] for job in json.loads(first_out)["data"]["jobs"]] == ["slow-ping"]
    pings = run_opskit("--config", config, "history", "--check", "host.ssh", "--format", "json")
    assert len(pings.json["data"]["results"]) == 1


def test_a_job_whose_run_was_killed_is_not_started_again_while_it_runs(
    make_config, tmp_path: Path, silent_port: int
) -> None:
    """kill -9 of `opskit run` leaves its job running: the lock stays with the job until it ends."""
    config = scheduled_config(make_config, tmp_path, silent_port)
    lock = tmp_path / "state" / "locks" / "job-slow-ping.lock"
    runner = subprocess.Popen(
        [sys.executable, "-m", "opskit", "--config", str(config), "run", "--job", "slow-ping"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def job_process() -> int | None:
        lines = command_lines()
        found = [pid for pid in descendants(runner.pid) if "ping" in lines.get(pid, [])]
        return found[0] if found else None

    wait_for(lambda: job_process() is not None and holder(lock) is not None, what="the job")
    job_pid = job_process()
    assert job_pid is not None
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    assert alive(job_pid), "the job outlived its runner"

    during = run_opskit("--config", config, "run", "--job", "slow-ping", "--format", "json")
    job_was_alive = alive(job_pid)
    wait_for(lambda: not alive(job_pid), what="the orphaned job to end")
    after = run_opskit("--config", config, "run", "--job", "slow-ping", "--format", "json")

    assert during.json["data"]["jobs"] == [], "the job was started a second time"
    assert job_was_alive, "the job ended before the second run looked; the test proves nothing"
    assert any(
        f"skipped slow-ping: job slow-ping is already running by pid {runner.pid}" in message
        and f"(its process pid {job_pid})" in message
        for message in during.json["messages"]
    ), during.json["messages"]
    assert [job["name"] for job in after.json["data"]["jobs"]] == ["slow-ping"]
    assert any(
        f"took over the lock of pid {runner.pid}" in message for message in after.json["messages"]
    )
    pings = run_opskit("--config", config, "history", "--check", "host.ssh", "--format", "json")
    assert len(pings.json["data"]["results"]) == 2  # the orphaned job's and the later one's


def test_metrics_file_parses_with_prometheus_own_parser(
    make_config, tmp_path: Path, silent_port: int
) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    config = scheduled_config(make_config, tmp_path, silent_port)
    metrics = tmp_path / "textfile" / "opskit.prom"
    run_opskit("--config", config, "run", "--job", "host-checks", "--metrics", metrics)

    families = {
        family.name: family for family in text_string_to_metric_families(metrics.read_text())
    }

    assert {
        "opskit_check_status",
        "opskit_check_metric",
        "opskit_incidents_open",
        "opskit_job_last_run_timestamp_seconds",
        "opskit_job_last_status",
    } <= set(families)
    status = {
        (sample.labels["check"], sample.labels["target"]): sample.value
        for sample in families["opskit_check_status"].samples
    }
    assert status[("host.memory", "local")] in (0, 1, 2)
    assert any(
        sample.labels["metric"] == "disk_used_percent" and sample.labels["unit"] == "%"
        for sample in families["opskit_check_metric"].samples
    )
    jobs = {sample.labels["job"] for sample in families["opskit_job_last_status"].samples}
    assert jobs == {"host-checks"}


def test_shards_export_and_merge_into_one_history(make_config, tmp_path: Path) -> None:
    hosts = [
        {
            "name": f"h{number}",
            "local": False,
            "address": "127.0.0.1",
            "port": 9,
            "connect_timeout_seconds": 1,
        }
        for number in range(6)
    ]
    shard_configs = [
        make_config(
            {"hosts": hosts, "paths": {"state_dir": str(tmp_path / f"state-{index}")}},
            name=f"shard-{index}.yaml",
        )
        for index in (1, 2)
    ]
    merged = make_config({"paths": {"state_dir": str(tmp_path / "merged")}}, name="merged.yaml")
    targets = []
    for index, config in enumerate(shard_configs, start=1):
        run = run_opskit(
            "--config", config, "check", "host", "--shard", f"{index}/2", "--format", "json"
        )
        targets.append(
            {item["target"] for item in run.json["results"] if item["check_id"] == "host.ssh"}
        )
        export = tmp_path / f"shard-{index}.jsonl"
        assert run_opskit("--config", config, "history", "--export", export).exit_code == 0
    imported = run_opskit(
        "--config",
        merged,
        "history",
        "--import",
        tmp_path / "shard-1.jsonl",
        tmp_path / "shard-2.jsonl",
        "--format",
        "json",
    )
    twice = run_opskit(
        "--config", merged, "history", "--import", tmp_path / "shard-1.jsonl", "--format", "json"
    )

    assert targets[0].isdisjoint(targets[1])
    assert targets[0] | targets[1] == {f"h{number}" for number in range(6)} | {"local"}
    assert imported.json["data"] == {"added": 2, "skipped": 0}
    assert twice.json["data"] == {"added": 0, "skipped": 1}
    results = run_opskit("--config", merged, "history", "--check", "host.ssh", "--format", "json")
    assert {item["target"] for item in results.json["data"]["results"]} == targets[0] | targets[1]


def test_results_in_a_maintenance_window_open_no_incident(make_config, cli) -> None:
    now = datetime.now(UTC)
    config = make_config(
        {
            "host_checks": {"disk_warning_percent": 0.1, "disk_critical_percent": 0.1},
            "schedule": {
                "maintenance_windows": [
                    {
                        "name": "disk work",
                        "start": (now - timedelta(hours=1)).isoformat(),
                        "end": (now + timedelta(hours=1)).isoformat(),
                        "targets": ["local:*"],
                    }
                ]
            },
        }
    )

    run = cli("--config", config, "check", "host", "local", "--format", "json")
    listed = cli("--config", config, "incidents", "--format", "json")

    assert run.exit_code == 2  # the check still says what it saw
    assert any(
        "in maintenance window 'disk work', no incident" in message
        for message in run.json["messages"]
    )
    assert listed.json["data"]["incidents"] == []


def test_a_job_another_run_finished_meanwhile_is_not_run_again(
    make_config, tmp_path: Path, silent_port: int
) -> None:
    config = make_config(
        {
            "hosts": [
                {
                    "name": "hung",
                    "address": "127.0.0.1",
                    "port": silent_port,
                    "connect_timeout_seconds": 4,
                }
            ],
            "schedule": {
                "jobs": [
                    {"name": "a-slow", "cron": "0 0 * * *", "run": "check host hung"},
                    {"name": "b-quick", "cron": "0 0 * * *", "run": "check host local"},
                ]
            },
        }
    )
    run_opskit("--config", config, "run")
    backdate_first_seen(config, tmp_path)
    command = [sys.executable, "-m", "opskit", "--config", str(config), "run", "--format", "json"]

    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    wait_for_lock(tmp_path / "state" / "locks" / "job-a-slow.lock")
    second = run_opskit(*command[3:])
    first_out, _ = first.communicate(timeout=60)

    first_jobs = [job["name"] for job in json.loads(first_out)["data"]["jobs"]]
    assert [job["name"] for job in second.json["data"]["jobs"]] == ["b-quick"]
    assert first_jobs == ["a-slow"]
    assert any(
        "skipped b-quick: another `opskit run` already ran it" in message
        for message in json.loads(first_out)["messages"]
    )
    memory = run_opskit("--config", config, "history", "--check", "host.memory", "--format", "json")
    assert len(memory.json["data"]["results"]) == 1


def test_a_job_past_its_timeout_is_stopped_and_named(
    make_config, tmp_path: Path, silent_port: int
) -> None:
    config = make_config(
        {
            "hosts": [{"name": "hung", "address": "127.0.0.1", "port": silent_port}],
            "schedule": {
                "jobs": [
                    {
                        "name": "slow-ping",
                        "cron": "0 0 * * *",
                        "run": "hosts ping hung",
                        "timeout_minutes": 0.01,
                    }
                ]
            },
        }
    )

    run = run_opskit("--config", config, "run", "--job", "slow-ping", "--format", "json")

    [job] = run.json["data"]["jobs"]
    assert job["status"] == "UNKNOWN" and run.exit_code == 3
    assert job["note"] == (
        "job slow-ping (opskit hosts ping hung) did not finish within 0.6 s and was stopped"
    )
