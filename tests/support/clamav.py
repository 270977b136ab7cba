"""A real ClamAV without the internet: a signature database built here and clamd on a temp socket.

The EICAR test file is written from bytes; its signature is made with
``sigtool --md5``. The daily database is a container with a header the test
chooses (version, build time): an unsigned ``daily.cud`` that clamd loads,
or a ``daily.cld`` whose header only opskit reads.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import socket
import subprocess
import tarfile
import time
from datetime import datetime
from pathlib import Path

from support.system import require

# The standard anti-virus test file; harmless, recognised by every scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
START_TIMEOUT_SECONDS = 30.0


def write_eicar(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(EICAR)
    return path


def eicar_signature(database: Path, scratch: Path) -> Path:
    """``database/opskit-test.hdb`` with the MD5 signature sigtool makes for EICAR."""
    sigtool = require("sigtool", "clamav")
    sample = write_eicar(scratch / "eicar.com")
    line = subprocess.run(
        [sigtool, "--md5", str(sample)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    database.mkdir(parents=True, exist_ok=True)
    target = database / "opskit-test.hdb"
    target.write_text(line)
    return target


def header(version: int, built_at: datetime) -> str:
    """A CVD header: ClamAV-VDB:time:version:signatures:level:md5:dsig:builder:epoch."""
    stamp = built_at.strftime("%d %b %Y %H-%M %z")
    return f"ClamAV-VDB:{stamp}:{version}:1:90:X:X:opskit-test:{int(built_at.timestamp())}"


def write_daily(database: Path, version: int, built_at: datetime, kind: str = "cud") -> Path:
    """``daily.cud`` (gzip, unsigned, clamd loads it) or ``daily.cld`` (plain tar)."""
    head = header(version, built_at)
    signatures = f"{'0' * 32}:12:Opskit.Test.Daily-{version}\n".encode()
    info = f"{head}\ndaily.hdb:{len(signatures)}:{hashlib.sha256(signatures).hexdigest()}\n"
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in (("daily.info", info.encode()), ("daily.hdb", signatures)):
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            entry.mtime = int(built_at.timestamp())
            tar.addfile(entry, io.BytesIO(data))
    body = gzip.compress(archive.getvalue()) if kind == "cud" else archive.getvalue()
    database.mkdir(parents=True, exist_ok=True)
    for stale in database.glob("daily.c?d"):
        stale.unlink()
    target = database / f"daily.{kind}"
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(head.encode().ljust(512, b" ") + body)
    temporary.replace(target)
    return target


class Clamd:
    """clamd in the foreground with its own config, socket and database in ``directory``."""

    def __init__(self, directory: Path, database: Path) -> None:
        self.directory = directory
        self.database = database
        self.socket = directory / "clamd.sock"
        self.config = directory / "clamd.conf"
        self.log = directory / "clamd.log"
        self.process: subprocess.Popen[bytes] | None = None

    def write_config(self) -> Path:
        self.config.write_text(
            f"LocalSocket {self.socket}\n"
            f"DatabaseDirectory {self.database}\n"
            f"TemporaryDirectory {self.directory}\n"
            f"PidFile {self.directory / 'clamd.pid'}\n"
            "Foreground true\n"
            "SelfCheck 3600\n"
        )
        return self.config

    def start(self) -> Clamd:
        clamd = require("clamd", "clamav-daemon")
        self.write_config()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [clamd, "-c", str(self.config)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited: {self.log.read_text()}")
            if self.answers():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"clamd did not answer on {self.socket}: {self.log.read_text()}")

    def answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(1)
                client.connect(str(self.socket))
                client.sendall(b"zPING\0")
                return client.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
