"""restic on a host: secrets delivered as 0600 files, commands run with their environment.

An ordinary Fabric task module. opskit uses the functions below to run
restic on an SSH host for a backup set that lives there; secrets reach
the host over the SSH channel's stdin into a 0600 file in a private
temporary directory that is removed in ``finally``, never on a command
line. By hand::

    fab -r "$(opskit paths playbooks)" -H admin@web1 restic-version
"""

from __future__ import annotations

import io
import json
import shlex
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any

from fabric import task


def restic_path(c: Any, binary: str) -> str | None:
    """Where ``binary`` is on the host, or None when restic is not installed there."""
    result = c.run(f"command -v {shlex.quote(binary)}", hide=True, warn=True, in_stream=False)
    path = result.stdout.strip()
    return path if result.exited == 0 and path else None


def restic_version_text(c: Any, binary: str) -> str:
    return str(
        c.run(f"{shlex.quote(binary)} version", hide=True, warn=True, in_stream=False).stdout
    )


OWNER_FILE = "owner"
PRIVATE_GLOB = '"${TMPDIR:-/tmp}"/opskit-backup.*'


@contextmanager
def secret_directory(c: Any, owner: str = "") -> Iterator[str]:
    """A private (0700) temporary directory on the host, removed when the block ends.

    ``owner`` (who made it) is written inside, so that a later session can
    tell a directory a crashed run left behind from one still in use.
    """
    made = c.run("umask 077 && mktemp -d -t opskit-backup.XXXXXXXX", hide=True, in_stream=False)
    path = made.stdout.strip()
    if "/opskit-backup." not in path:
        raise RuntimeError(f"mktemp gave an unexpected path: {path!r}")
    try:
        if owner:
            write_secret(c, f"{path}/{OWNER_FILE}", owner)
        yield path
    finally:
        c.run(f"rm -rf -- {shlex.quote(path)}", hide=True, warn=True, in_stream=False)


def private_directories(c: Any) -> dict[str, str]:
    """This user's private directories on the host, each with the owner written inside."""
    script = (
        f'for d in {PRIVATE_GLOB}; do [ -d "$d" ] && [ -O "$d" ] && '
        f'printf \'%s\\t%s\\n\' "$d" "$(head -c 1000 "$d/{OWNER_FILE}" 2>/dev/null)"; '
        "done; true"
    )
    result = c.run(script, hide=True, warn=True, in_stream=False)
    found = {}
    for line in result.stdout.splitlines():
        path, _, owner = line.partition("\t")
        if "/opskit-backup." in path:
            found[path] = owner
    return found


def remove_directory(c: Any, path: str) -> None:
    if "/opskit-backup." not in path:
        raise RuntimeError(f"refusing to remove {path!r}: not a private opskit directory")
    c.run(f"rm -rf -- {shlex.quote(path)}", hide=True, warn=True, in_stream=False)


def write_secret(c: Any, path: str, text: str) -> None:
    """Write ``text`` to a 0600 file at ``path`` through stdin (never argv)."""
    c.run(f"umask 077 && cat > {shlex.quote(path)}", hide=True, in_stream=io.StringIO(text))


def remove_file(c: Any, path: str) -> None:
    c.run(f"rm -f -- {shlex.quote(path)}", hide=True, warn=True, in_stream=False)


def environment_file_text(env: Mapping[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in sorted(env.items()))


def run_with_environment(
    c: Any,
    argv: Sequence[str],
    env_file: str,
    *,
    timeout_seconds: float,
    out_stream: IO[str] | None = None,
    err_stream: IO[str] | None = None,
    stdin_file: str | None = None,
    stdout_file: str | None = None,
) -> Any:
    """Run ``argv`` with the variables of ``env_file``; returns invoke's Result (exit as data)."""
    command = f". {shlex.quote(env_file)} && exec {shlex.join(argv)}"
    if stdin_file is not None:
        command += f" < {shlex.quote(stdin_file)}"
    if stdout_file is not None:
        command = f"umask 077 && {command} > {shlex.quote(stdout_file)}"
    return c.run(
        command,
        hide=True,
        warn=True,
        in_stream=False,
        timeout=timeout_seconds,
        out_stream=out_stream,
        err_stream=err_stream,
    )


def missing_paths(c: Any, paths: Sequence[str]) -> list[str]:
    """The paths that do not exist on the host."""
    if not paths:
        return []
    script = "; ".join(
        f"[ -e {shlex.quote(path)} ] || [ -L {shlex.quote(path)} ] || echo {shlex.quote(path)}"
        for path in paths
    )
    result = c.run(script, hide=True, warn=True, in_stream=False)
    return [line for line in result.stdout.splitlines() if line]


def dump_to_file(
    c: Any, dump_argv: Sequence[str], path: str, *, timeout_seconds: float
) -> dict[str, Any]:
    """Run a database dump into ``path`` (0600); its exit code, size and stderr tail as data."""
    command = f"umask 077 && {shlex.join(dump_argv)} > {shlex.quote(path)}"
    result = c.run(command, hide=True, warn=True, in_stream=False, timeout=timeout_seconds)
    size = c.run(f"stat -c %s {shlex.quote(path)}", hide=True, warn=True, in_stream=False)
    return {
        "exit_code": result.exited,
        "bytes": int(size.stdout.strip() or 0) if size.exited == 0 else 0,
        "stderr": result.stderr[-2000:],
    }


@task(name="restic-version")
def restic_version(c: Any, binary: str = "restic") -> None:
    """Print whether restic is installed on the host, and its version, as JSON."""
    path = restic_path(c, binary)
    version = restic_version_text(c, path).strip() if path else None
    print(json.dumps({"restic": path, "version": version}, indent=2))


def has_entries(c: Any, path: str) -> bool:
    """Whether ``path`` is a directory with something in it."""
    quoted = shlex.quote(path)
    result = c.run(
        f'[ -d {quoted} ] && [ -n "$(ls -A -- {quoted} 2>/dev/null)" ]',
        hide=True,
        warn=True,
        in_stream=False,
    )
    return bool(result.exited == 0)


def count_files(c: Any, path: str) -> int | None:
    """How many regular files lie under ``path`` (None if that cannot be told)."""
    quoted = shlex.quote(path)
    result = c.run(
        f"find {quoted} -type f 2>/dev/null | wc -l", hide=True, warn=True, in_stream=False
    )
    text = result.stdout.strip()
    return int(text) if text.isdigit() else None


def sha256_files(c: Any, paths: Sequence[str]) -> dict[str, str]:
    """SHA-256 of each readable file (for the restore drill on a host)."""
    if not paths:
        return {}
    result = c.run(
        f"sha256sum -- {' '.join(shlex.quote(path) for path in paths)}",
        hide=True,
        warn=True,
        in_stream=False,
    )
    hashes = {}
    for line in result.stdout.splitlines():
        digest, _, name = line.partition("  ")
        if name:
            hashes[name] = digest
    return hashes


def file_stats(c: Any, paths: Sequence[str]) -> dict[str, tuple[int, float]]:
    """Size in bytes and modification time (seconds, with fraction) of each existing file."""
    if not paths:
        return {}
    result = c.run(
        f"stat -c '%s %.9Y %n' -- {' '.join(shlex.quote(path) for path in paths)}",
        hide=True,
        warn=True,
        in_stream=False,
    )
    stats = {}
    for line in result.stdout.splitlines():
        size, mtime, name = (line.split(" ", 2) + ["", ""])[:3]
        if name and size.isdigit():
            stats[name] = (int(size), float(mtime))
    return stats
