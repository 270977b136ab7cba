"""``host.ssh``: whether opskit reached a host, judged over consecutive runs.

A host that refuses or does not answer is UNKNOWN the first time (one
missed connection is often a blip) and CRITICAL once it has failed
``failures_before_critical`` runs in a row, so a server that stays down
raises an incident. A changed host key is CRITICAL at once: someone may be
intercepting the connection. An untrusted key, bad credentials or sudo
problems stay UNKNOWN: opskit cannot tell what the host's state is.
"""

from __future__ import annotations

from opskit.catalog import sop_row, unknown
from opskit.config.schema import Host
from opskit.errors import HostError
from opskit.result import Metric, Result, Status
from opskit.store import Store
from opskit.text import Message

CHECK_ID = "host.ssh"


def reached(host: Host) -> Result:
    return Result(
        CHECK_ID,
        host.name,
        Status.OK,
        Message("hosts.reached", destination=host.destination),
        evidence={"destination": host.destination},
        sop_row=sop_row(CHECK_ID),
    )


def not_reached(
    store: Store, host: Host, error: HostError, failures_before_critical: int
) -> Result:
    """The result for a failed connection, CRITICAL when it keeps failing or the key changed."""
    evidence = {"destination": host.destination, "failure": error.reason, "details": error.details}
    if error.reason == "changed-key":
        return Result(
            CHECK_ID,
            host.name,
            Status.CRITICAL,
            error.message,
            evidence=evidence,
            sop_row=sop_row(CHECK_ID),
        )
    if error.reason != "unreachable":
        return unknown(CHECK_ID, host.name, error.message, **evidence)
    earlier = store.recent(CHECK_ID, host.name, limit=max(0, failures_before_critical - 1))
    failures = 1
    for result in earlier:
        if result.status is Status.OK:
            break
        failures += 1
    metrics = (Metric("consecutive_failures", failures, "", None, failures_before_critical),)
    if failures >= failures_before_critical:
        summary = Message("hosts.failures_in_row", reason=error.message, failures=failures)
        return Result(
            CHECK_ID,
            host.name,
            Status.CRITICAL,
            summary,
            evidence=evidence,
            metrics=metrics,
            sop_row=sop_row(CHECK_ID),
        )
    summary = Message(
        "hosts.failure_of", reason=error.message, failures=failures, limit=failures_before_critical
    )
    return Result(
        CHECK_ID,
        host.name,
        Status.UNKNOWN,
        summary,
        evidence=evidence,
        metrics=metrics,
        sop_row=sop_row(CHECK_ID),
    )
