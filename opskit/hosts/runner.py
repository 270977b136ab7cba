"""Running a task on many hosts at once, one host's failure never hiding another's.

Like Fabric's ``ThreadingGroup``: the answer maps each host to its value or
to the HostError that explains why there is none, so the caller turns an
unreachable host into UNKNOWN for that host only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from opskit.config.schema import Config, Host
from opskit.errors import ConfigError, HostError, OpskitError
from opskit.hosts.connect import KnownHosts, explain, session
from opskit.text import Message

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_JOBS = 8


def known_hosts(config: Config) -> KnownHosts:
    return KnownHosts(config.state_dir / "known_hosts")


def select_hosts(config: Config, names: Sequence[str]) -> list[Host]:
    """The named hosts (all hosts when none are named); raises ConfigError on unknown names."""
    inventory = config.inventory()
    if not names:
        return list(inventory.values())
    unknown = [name for name in names if name not in inventory]
    if unknown:
        raise ConfigError(
            f"unknown host{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            details=[f"hosts in {config.source}: {', '.join(inventory)}"],
        )
    return [inventory[name] for name in dict.fromkeys(names)]


def run_on_hosts(
    hosts: Sequence[Host],
    task: Callable[[Any, Host], T],
    *,
    trusted: KnownHosts,
    jobs: int = DEFAULT_JOBS,
) -> dict[str, T | HostError]:
    """``task(connection, host)`` on every host in parallel (at most ``jobs`` at once)."""

    def one(host: Host) -> T | HostError:
        try:
            with session(host, trusted) as connection:
                return task(connection, host)
        except OpskitError as error:
            return (
                error
                if isinstance(error, HostError)
                else HostError(
                    Message("hosts.named", host=host.name, reason=error.message), error.details
                )
            )
        except Exception as error:  # noqa: BLE001 - isolate each host; explained, traceback at debug
            logger.debug("task failed on %s", host.name, exc_info=True)
            return explain(host, error)

    if not hosts:
        return {}
    with ThreadPoolExecutor(
        max_workers=max(1, min(jobs, len(hosts))), thread_name_prefix="host"
    ) as pool:
        outcomes = list(pool.map(one, hosts))
    return {host.name: outcome for host, outcome in zip(hosts, outcomes, strict=True)}
