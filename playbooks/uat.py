"""UAT command steps: run one command on a host and report its exit code and output.

An ordinary Fabric task module. opskit calls ``run_command`` with a
Connection (SSH hosts) or an invoke Context (this machine); an admin can
run the same step by hand::

    fab -r "$(opskit paths playbooks)" -H admin@web1 uat-command --argv "systemctl is-active nginx"
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from typing import Any

from fabric import task

OUTPUT_LIMIT_CHARACTERS = 4000


def run_command(c: Any, argv: Sequence[str], timeout_seconds: float) -> dict[str, Any]:
    """Exit code, the tail of stdout and stderr, and whether the time limit stopped it."""
    from invoke.exceptions import CommandTimedOut

    command = shlex.join(argv)
    try:
        result = c.run(command, hide=True, warn=True, in_stream=False, timeout=timeout_seconds)
    except CommandTimedOut as error:
        return {
            "command": command,
            "exit_code": None,
            "timed_out": True,
            "stdout": _tail(error.result.stdout),
            "stderr": _tail(error.result.stderr),
        }
    return {
        "command": command,
        "exit_code": result.exited,
        "timed_out": False,
        "stdout": _tail(result.stdout),
        "stderr": _tail(result.stderr),
    }


def _tail(text: str) -> str:
    return text if len(text) <= OUTPUT_LIMIT_CHARACTERS else "..." + text[-OUTPUT_LIMIT_CHARACTERS:]


@task(name="uat-command")
def uat_command(c: Any, argv: str, timeout: float = 60) -> None:
    """Run ARGV (split into words like a shell would, each word quoted) and print the outcome."""
    print(json.dumps(run_command(c, shlex.split(argv), float(timeout)), indent=2))
