"""Access logs on a host: list a log's rotation set, fetch only the new bytes.

An ordinary Fabric task module. opskit calls ``describe_logs`` and
``fetch_log`` with a Connection; an admin can look at a host's logs the same
way::

    fab -r "$(opskit paths playbooks)" -H admin@web1 log-files --path /var/log/nginx/access.log

Bytes travel base64-encoded on stdout so binary garbage survives; a fetch
is limited in size, and ``tail -c +N`` seeks, so only the new part is read.
"""

from __future__ import annotations

import base64
import json
import posixpath
import shlex
from typing import Any

from fabric import task

HEAD_BYTES = 2048
FETCH_BYTES = 32 << 20
# Marks the line on stderr that carries gzip's own exit status.
GZIP_STATUS = "opskit-gzip-status:"
MARKER = "@@opskit-log "
NOT_A_FILE = "@@opskit-not-a-file "
# stat -c %F's words, as opskit says them for a local file.
FILE_KINDS = {
    "directory": "a directory",
    "fifo": "a named pipe (FIFO)",
    "character special file": "a character device",
    "block special file": "a block device",
    "socket": "a socket",
}


def describe_logs(c: Any, path: str) -> list[dict[str, Any]]:
    """``path`` and its rotations: name, inode, size and the first bytes (decompressed)."""
    directory, name = posixpath.split(path)
    quoted_dir = shlex.quote(directory or ".")
    pattern = shlex.quote(name)
    script = (
        f"cd {quoted_dir} 2>/dev/null || exit 0; "
        # A named pipe or a device would never end (or never start): name it instead.
        f"if [ -e {pattern} ] && [ ! -f {pattern} ]; then "
        f'echo "{NOT_A_FILE}$(stat -L -c %F -- {pattern})"; exit 0; fi; '
        f"for f in {pattern} {pattern}.[0-9]* {pattern}-[0-9]*; do "
        '[ -f "$f" ] || continue; '
        'case "$f" in *.gz) head=$(gzip -dc -- "$f" 2>/dev/null | head -c '
        f"{HEAD_BYTES} | base64 -w0);; "
        f'*) head=$(head -c {HEAD_BYTES} -- "$f" | base64 -w0);; esac; '
        f'echo "{MARKER}$(stat -c "%i %s" -- "$f") $head $f"; done'
    )
    result = c.run(script, hide=True, warn=True, in_stream=False)
    for line in result.stdout.splitlines():
        if line.startswith(NOT_A_FILE):
            kind = line[len(NOT_A_FILE) :].strip()
            raise OSError(f"{path} is {FILE_KINDS.get(kind, kind)}, not a log file")
    return parse_listing(result.stdout, directory)


def parse_listing(text: str, directory: str) -> list[dict[str, Any]]:
    files = []
    for line in text.splitlines():
        if not line.startswith(MARKER):
            continue
        parts = line[len(MARKER) :].split(" ", 3)
        if len(parts) == 3:  # an empty file has no head
            parts = [parts[0], parts[1], "", parts[2]]
        if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        inode, size, head, name = parts
        compressed = name.endswith(".gz")
        files.append(
            {
                "name": posixpath.join(directory, name),
                "inode": int(inode),
                "size": None if compressed else int(size),
                "compressed": compressed,
                "head": base64.b64decode(head),
            }
        )
    return files


def fetch_log(
    c: Any, name: str, offset: int, compressed: bool, limit: int = FETCH_BYTES
) -> tuple[bytes, str | None]:
    """Up to ``limit`` bytes of ``name`` from ``offset`` (of the decompressed content).

    Also why a compressed file ended early (truncated or corrupt), or None: the
    pipeline's status is base64's, so gzip reports its own (1 is an error; a
    broken pipe once enough was read is not).
    """
    quoted = shlex.quote(name)
    if compressed:
        reader = f'{{ gzip -dc -- {quoted}; echo "{GZIP_STATUS}$?" >&2; }}'
        reader += f" | tail -c +{int(offset) + 1}"
    else:
        reader = f"tail -c +{int(offset) + 1} -- {quoted}"
    result = c.run(
        f"{reader} | head -c {int(limit)} | base64 -w0", hide=True, warn=True, in_stream=False
    )
    if result.exited != 0 and not result.stdout:
        raise OSError(f"cannot read {name}: {result.stderr.strip()[-200:]}")
    problems = [line for line in result.stderr.splitlines() if not line.startswith(GZIP_STATUS)]
    damage = None
    if f"{GZIP_STATUS}1" in result.stderr.splitlines():
        damage = "; ".join(line.strip() for line in problems if line.strip())[-200:] or "gzip error"
    return base64.b64decode(result.stdout.strip()), damage


@task(name="log-files")
def log_files(c: Any, path: str) -> None:
    """Print a log's rotation set (name, inode, size) as JSON."""
    files = describe_logs(c, path)
    print(json.dumps([{**item, "head": len(item["head"])} for item in files], indent=2))
