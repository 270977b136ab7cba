"""Network namespaces the tests create: a test host with its own firewall, sockets and sshd.

Each namespace gets a unique name, a veth pair to the root namespace on a
random private /30, loopback up, and whatever the test loads into it (an
nftables ruleset, listeners, an sshd). Everything is removed in ``destroy``,
which fixtures call even when the test failed. Without root the commands
run through ``sudo -n``; if namespaces cannot be made at all, tests fail
under CI=true and are skipped elsewhere, saying why.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import random
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from support.sshd import keygen
from support.system import IN_CI, require

START_TIMEOUT_SECONDS = 10.0


def privileged(argv: list[str]) -> list[str]:
    """``argv`` as root: as is when we are root, else through passwordless sudo."""
    return argv if os.geteuid() == 0 else ["sudo", "-n", *argv]


def root_run(argv: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        privileged(argv), capture_output=True, text=True, check=False, timeout=60, **options
    )


def namespaces_or_fail() -> None:
    """Fail (CI) or skip (elsewhere) with the reason when network namespaces are not available."""
    require("ip", "iproute2")
    require("nft", "nftables")
    probe = f"opskit-probe-{secrets.token_hex(3)}"
    made = root_run(["ip", "netns", "add", probe])
    if made.returncode == 0:
        root_run(["ip", "netns", "del", probe])
        return
    message = (
        "cannot create network namespaces (needs root or passwordless sudo, and a kernel "
        f"allowing them): {made.stderr.strip()}"
    )
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _free_subnet() -> ipaddress.IPv4Network:
    """A random 10.x.y.z/30 no interface on this machine uses (other test runs pick theirs)."""
    used = subprocess.run(
        ["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, check=False
    ).stdout
    routes = subprocess.run(
        ["ip", "-4", "route", "show"], capture_output=True, text=True, check=False
    ).stdout
    for _ in range(100):
        second, third, fourth = (
            random.randint(64, 127),  # noqa: S311 - spreading test subnets, not secrecy
            random.randint(0, 255),  # noqa: S311
            random.randrange(0, 256, 4),  # noqa: S311
        )
        network = ipaddress.ip_network(f"10.{second}.{third}.{fourth}/30")
        prefix = str(network.network_address).rsplit(".", 1)[0] + "."
        if prefix not in used and prefix not in routes:
            return network
    raise RuntimeError("no free private subnet found")


class Namespace:
    """One test host: a namespace reached from here at ``address``."""

    def __init__(self, label: str) -> None:
        token = secrets.token_hex(3)
        self.label = label
        self.name = f"opskit-t-{label}-{token}"
        self.outside = f"vo{token}"
        self.inside = f"vi{token}"
        network = _free_subnet()
        hosts = list(network.hosts())
        self.gateway, self.address = str(hosts[0]), str(hosts[1])
        self.prefix = network.prefixlen
        self.processes: list[subprocess.Popen[bytes]] = []
        self.created = False

    def create(self) -> Namespace:
        steps = [
            ["ip", "netns", "add", self.name],
            ["ip", "link", "add", self.outside, "type", "veth", "peer", "name", self.inside],
            ["ip", "link", "set", self.inside, "netns", self.name],
            ["ip", "addr", "add", f"{self.gateway}/{self.prefix}", "dev", self.outside],
            ["ip", "link", "set", self.outside, "up"],
            self.command(
                ["ip", "addr", "add", f"{self.address}/{self.prefix}", "dev", self.inside]
            ),
            self.command(["ip", "link", "set", self.inside, "up"]),
            self.command(["ip", "link", "set", "lo", "up"]),
        ]
        for step in steps:
            done = root_run(step)
            self.created = True
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(step)} failed: {done.stderr.strip()}")
        return self

    def command(self, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, argv: list[str], **options: object) -> subprocess.CompletedProcess[str]:
        return root_run(self.command(argv), **options)

    def start(self, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        """A long-running process inside the namespace, stopped by ``destroy``."""
        with log.open("ab") as stream:
            process = subprocess.Popen(
                privileged(self.command(argv)), stdout=stream, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def load_ruleset(self, text: str, directory: Path) -> None:
        path = directory / f"{self.label}.nft"
        path.write_text(text)
        loaded = self.run(["nft", "-f", str(path)])
        if loaded.returncode != 0:
            raise RuntimeError(f"nft -f failed in {self.name}: {loaded.stderr}")

    def wait_for_port(self, port: int, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Until something in the namespace listens on ``port`` (checked from inside)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listening = self.run(["ss", "-tlnH", f"sport = :{port}"]).stdout
            if listening.strip():
                return
            time.sleep(0.05)
        raise RuntimeError(f"nothing listens on {port} in {self.name}")

    def reachable(self, port: int, timeout: float = 1.0) -> bool:
        """Whether a TCP connection from the root namespace gets through the firewall."""
        try:
            with socket.create_connection((self.address, port), timeout=timeout):
                return True
        except OSError:
            return False

    def destroy(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()
        if self.created:
            # Processes left in the namespace (a listener started by sh) go with it.
            for pid in root_run(["ip", "netns", "pids", self.name]).stdout.split():
                root_run(["kill", "-9", pid])
            root_run(["ip", "netns", "del", self.name])
            root_run(["ip", "link", "del", self.outside])
            self.created = False


class NamespaceSshd:
    """sshd on port 22 inside a namespace; keys for any user in a world-readable directory."""

    def __init__(self, namespace: Namespace, directory: Path, client_key: Path) -> None:
        self.namespace = namespace
        self.directory = directory
        self.client_key = client_key
        directory.mkdir(parents=True, exist_ok=True)
        self.host_key = keygen(directory / "ssh_host_ed25519_key")
        # sshd reads authorized keys as the user logging in: the directory must be readable.
        self.keys = Path(tempfile.mkdtemp(prefix="opskit-keys-"))
        self.keys.chmod(0o755)
        self.config = directory / "sshd_config"

    def authorize(self, user: str) -> None:
        path = self.keys / user
        path.write_text(Path(f"{self.client_key}.pub").read_text())
        path.chmod(0o644)

    def start(self) -> NamespaceSshd:
        sshd = require("sshd", "openssh-server")
        if not Path("/run/sshd").exists():  # sshd's privilege separation directory
            root_run(["mkdir", "-p", "-m", "0755", "/run/sshd"])
        self.config.write_text(
            "Port 22\n"
            "ListenAddress 0.0.0.0\n"
            f"HostKey {self.host_key}\n"
            f"PidFile {self.directory / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {self.keys}/%u\n"
            "StrictModes no\n"
            "UsePAM no\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "PermitRootLogin prohibit-password\n"
            "LogLevel ERROR\n"
        )
        self.namespace.start(
            [sshd, "-D", "-e", "-f", str(self.config)], self.directory / "sshd.log"
        )
        self.namespace.wait_for_port(22)
        return self

    def stop(self) -> None:
        shutil.rmtree(self.keys, ignore_errors=True)

    def host_entry(self, name: str, user: str, **extra: object) -> dict[str, object]:
        return {
            "name": name,
            "address": self.namespace.address,
            "user": user,
            "key_file": str(self.client_key),
            "connect_timeout_seconds": 5,
            **extra,
        }


@contextlib.contextmanager
def namespace(label: str) -> object:
    space = Namespace(label)
    try:
        yield space.create()
    finally:
        space.destroy()
