"""Prometheus metrics of the latest status and figures, for node_exporter's textfile collector.

Every check's latest status per target, every metric its latest result
carries (snapshot age, certificate and domain days left, response time,
disk usage ...), open incidents, and when each scheduled job last ran. An
existing Prometheus and Alertmanager can then watch many installations.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from opskit.config.schema import Config
from opskit.errors import OpskitError
from opskit.paths import make_directory
from opskit.store import Store

STATUS_VALUES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def write_metrics(path: Path, config: Config, store: Store) -> None:
    """Write the metrics file atomically (node_exporter never reads half a file)."""
    from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

    registry = CollectorRegistry()
    status = Gauge(
        "opskit_check_status",
        "Latest status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        ["check", "target", "sop_row"],
        registry=registry,
    )
    observed = Gauge(
        "opskit_check_timestamp_seconds",
        "When the latest result was observed.",
        ["check", "target"],
        registry=registry,
    )
    value = Gauge(
        "opskit_check_metric",
        "A figure from the latest result (see the metric and unit labels).",
        ["check", "target", "metric", "unit"],
        registry=registry,
    )
    for result in store.latest():
        status.labels(result.check_id, result.target, result.sop_row or "").set(
            STATUS_VALUES[result.status.value]
        )
        observed.labels(result.check_id, result.target).set(result.observed_at.timestamp())
        for metric in result.metrics:
            value.labels(result.check_id, result.target, metric.name, metric.unit).set(metric.value)
    incidents = Gauge("opskit_incidents_open", "Incidents open now.", registry=registry)
    incidents.set(store.read("SELECT COUNT(*) AS n FROM incidents WHERE state = 'open'")[0]["n"])
    last_run = Gauge(
        "opskit_job_last_run_timestamp_seconds",
        "When a scheduled job last started.",
        ["job"],
        registry=registry,
    )
    last_status = Gauge(
        "opskit_job_last_status",
        "Status of a job's last run (0-3 as above).",
        ["job"],
        registry=registry,
    )
    duration = Gauge(
        "opskit_job_last_duration_seconds",
        "How long a job's last run took.",
        ["job"],
        registry=registry,
    )
    for name, state in store.state_items("schedule.jobs").items():
        if state.get("last_started"):
            last_run.labels(name).set(datetime.fromisoformat(state["last_started"]).timestamp())
        if state.get("last_status"):
            last_status.labels(name).set(STATUS_VALUES[state["last_status"]])
        if state.get("last_duration_seconds") is not None:
            duration.labels(name).set(state["last_duration_seconds"])
    try:
        make_directory(path.parent)
        write_to_textfile(str(path), registry)
    except OSError as error:
        raise OpskitError(f"cannot write metrics to {path}: {error.strerror or error}") from None
