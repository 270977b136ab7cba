"""A real OpenSSH server on loopback, started and stopped by the tests.

Each server has its own host key, an authorized client key, a temporary
directory and a random free port; it runs as the user running the tests.
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
from pathlib import Path

from support.system import free_port, require

START_TIMEOUT_SECONDS = 10.0


def keygen(path: Path, key_type: str = "ed25519") -> Path:
    ssh_keygen = require("ssh-keygen", "openssh-client")
    path.unlink(missing_ok=True)
    Path(f"{path}.pub").unlink(missing_ok=True)
    subprocess.run([ssh_keygen, "-q", "-t", key_type, "-N", "", "-f", str(path)], check=True)
    path.chmod(0o600)
    return path


def host_fingerprint(public_key: Path) -> str:
    ssh_keygen = require("ssh-keygen", "openssh-client")
    output = subprocess.run(
        [ssh_keygen, "-l", "-E", "sha256", "-f", str(public_key)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.split()[1]


class SshServer:
    """sshd -D on 127.0.0.1:port, accepting ``client_key`` for the current user."""

    def __init__(
        self, directory: Path, client_key: Path, port: int | None = None, extra_config: str = ""
    ) -> None:
        self.directory = directory
        self.extra_config = extra_config
        self.client_key = client_key
        self.port = port or free_port()
        self.user = getpass.getuser()
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)
        self.host_key = keygen(directory / "ssh_host_ed25519_key")
        self.log = directory / "sshd.log"
        # The sessions' own temporary directory: what a command leaves behind on the "host"
        # is found here, not among other processes' files in the machine's /tmp.
        self.tmp = directory / "tmp"

    @property
    def fingerprint(self) -> str:
        return host_fingerprint(Path(f"{self.host_key}.pub"))

    def start(self) -> SshServer:
        sshd = require("sshd", "openssh-server")
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
        authorized = self.directory / "authorized_keys"
        authorized.write_text(Path(f"{self.client_key}.pub").read_text())
        self.tmp.mkdir(mode=0o700, exist_ok=True)
        config = self.directory / "sshd_config"
        config.write_text(
            f"Port {self.port}\n"
            "ListenAddress 127.0.0.1\n"
            f"HostKey {self.host_key}\n"
            f"PidFile {self.directory / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {authorized}\n"
            "StrictModes no\n"
            "UsePAM no\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "PermitRootLogin prohibit-password\n"
            "LogLevel ERROR\n"
            f"SetEnv TMPDIR={self.tmp}\n" + self.extra_config
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sshd, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_for_banner()
        return self

    def _wait_for_banner(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b"SSH-"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd did not start on port {self.port}: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def replace_host_key(self) -> None:
        """Restart with a new host key on the same port (a reinstalled server, or an impostor)."""
        self.stop()
        self.host_key = keygen(self.directory / "ssh_host_ed25519_key")
        self.start()

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        """``command`` in a session of this server, through the real ssh client."""
        return subprocess.run(
            [
                "ssh", "-i", str(self.client_key), "-p", str(self.port),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                f"{self.user}@127.0.0.1", command,
            ],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    def host_entry(self, name: str, **extra: object) -> dict[str, object]:
        """An opskit.yaml hosts[] entry for this server."""
        return {
            "name": name,
            "address": "127.0.0.1",
            "port": self.port,
            "user": self.user,
            "key_file": str(self.client_key),
            "connect_timeout_seconds": 5,
            **extra,
        }
