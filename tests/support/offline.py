"""Running a command on a machine with no network at all and a resolver that knows no name.

In a new network namespace (only loopback) and a private mount namespace,
``/etc/resolv.conf`` names 127.0.0.1, where a real DNS server (dnslib)
answers every question with NXDOMAIN. A site under test then really does
not resolve, and nothing the command tries can leave the machine. Needs
root or passwordless sudo; the command runs as the test's own user.

Run as a program, this module is the namespaces' first process: it sets
them up, runs the command and exits with its exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def argv(workdir: Path, command: list[str]) -> list[str]:
    """``command`` wrapped to run offline (``workdir`` holds its resolv.conf)."""
    from support.system import require  # here: this file also runs alone, as a program

    require("unshare", "util-linux")
    require("ip", "iproute2")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:2 attempts:1\n")
    wrapped = [
        "unshare",
        "--net",
        "--mount",
        "--propagation",
        "private",
        "--",
        sys.executable,
        "-P",
        __file__,
        str(workdir),
        str(os.getuid()),
        str(os.getgid()),
        *command,
    ]
    return wrapped if os.geteuid() == 0 else ["sudo", "-n", "--preserve-env", *wrapped]


def _serve_nxdomain() -> None:
    from dnslib import RCODE
    from dnslib.server import BaseResolver, DNSServer

    class NoNames(BaseResolver):  # type: ignore[misc]
        def resolve(self, request: object, handler: object) -> object:
            reply = request.reply()  # type: ignore[attr-defined]
            reply.header.rcode = RCODE.NXDOMAIN
            return reply

    class Quiet:
        def __getattr__(self, name: str) -> object:
            return lambda *args, **kwargs: None

    for tcp in (False, True):
        DNSServer(NoNames(), port=53, address="127.0.0.1", tcp=tcp, logger=Quiet()).start_thread()


def main(arguments: list[str]) -> int:
    workdir, uid, gid, *command = arguments
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    resolv = Path(workdir) / "resolv.conf"
    subprocess.run(["mount", "--bind", str(resolv), "/etc/resolv.conf"], check=True)
    _serve_nxdomain()

    def as_the_user() -> None:
        if os.geteuid() != int(uid):
            os.setgroups([])
            os.setgid(int(gid))
            os.setuid(int(uid))

    return subprocess.run(command, preexec_fn=as_the_user, check=False).returncode  # noqa: PLW1509 (no threads touch the child before exec)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
