"""Seeded mutations of the sample config, and a harness that feeds them to opskit.

``mutations(seed, count)`` yields (description, bytes) pairs made from the
config ``opskit init`` writes: values of the wrong type, deleted keys, huge
numbers, deep nesting, aliases (bombs among them), duplicate keys, broken
bytes and cut-off text. The same seed gives the same files, so a failure
names the case that reproduces it.

Run as a program (``python fuzz_config.py SEED COUNT WORKDIR``), it runs
``opskit config validate`` on each in this one process, each within a time
limit, and prints one JSON line per case: what was tried, the exit code,
and what went wrong if anything did (an exit code other than 0 or 3, an
"internal error", a traceback or the time limit).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

TIME_LIMIT_SECONDS = 30
NEST = "@@nest-"


def sample() -> str:
    from opskit.config.sample import sample_config

    return sample_config(
        {
            "backup": {
                "repositories": [{"name": "local", "path": "/srv/restic", "password_env": "X"}]
            }
        }
    )


def _paths(root: Any) -> Iterator[tuple[Any, ...]]:
    """Every place in ``root`` down to 12 levels (a nesting mutation goes far deeper)."""
    pending: list[tuple[tuple[Any, ...], Any]] = [((), root)]
    while pending:
        path, node = pending.pop()
        yield path
        if len(path) >= 12:
            continue
        if isinstance(node, dict):
            pending += [((*path, key), value) for key, value in node.items()]
        elif isinstance(node, list):
            pending += [((*path, index), value) for index, value in enumerate(node)]


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value


def _odd_value(chooser: random.Random) -> Any:
    return chooser.choice(
        [
            "x",
            "",
            0,
            -1,
            1.5,
            -1e308,
            float("inf"),
            True,
            None,
            [],
            {},
            ["x"],
            {"x": 1},
            "${OPSKIT_FUZZ_UNSET}",
            "\u0000",
            "ÿ" * 300,
            "/" * 5000,
            "0" * 40,
            10**25,
            "2026-13-45",
            "* * * * * *",
        ]
    )


def _mutate_data(data: Any, chooser: random.Random) -> tuple[str, Any]:
    paths = [path for path in _paths(data) if path]
    path = chooser.choice(paths)
    kind = chooser.choice(["type", "type", "delete", "nest", "list-wrap", "rename"])
    where = ".".join(map(str, path))
    if kind == "type":
        value = _odd_value(chooser)
        _set(data, path, value)
        return f"{where} = {value!r:.60}", data
    if kind == "delete":
        del _get(data, path[:-1])[path[-1]]
        return f"delete {where}", data
    if kind == "nest":
        depth = chooser.choice([10, 63, 65, 200, 5000])
        _set(data, path, f"{NEST}{depth}")  # written out after dumping: no recursion here
        return f"{where} nested {depth} levels", data
    if kind == "list-wrap":
        _set(data, path, [_get(data, path)] * chooser.choice([2, 50]))
        return f"{where} repeated in a list", data
    parent = _get(data, path[:-1])
    if isinstance(parent, dict):
        parent[f"{path[-1]}_typo"] = parent.pop(path[-1])
        return f"rename {where}", data
    return f"no-op at {where}", data


BOMB = 'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n" for n in range(1, 9)
)
MERGED = (
    "x-defaults: &defaults {timeout_seconds: 5}\n"
    "sites:\n  - {<<: *defaults, name: a, url: https://a.example/}\n"
)


def _duplicate(text: str, lines: list[str], at: int, chooser: random.Random) -> tuple[str, bytes]:
    lines.insert(at, lines[at])
    return f"line {at + 1} duplicated", "".join(lines).encode()


def _cut(text: str, lines: list[str], at: int, chooser: random.Random) -> tuple[str, bytes]:
    where = chooser.randrange(len(text))
    return f"cut at character {where}", text[:where].encode()


def _byte(text: str, lines: list[str], at: int, chooser: random.Random) -> tuple[str, bytes]:
    data = bytearray(text.encode())
    where = chooser.randrange(len(data))
    data[where:where] = bytes([chooser.choice([0xFF, 0xC3, 0x80, 0x00, 0xFE])])
    return f"byte inserted at {where}", bytes(data)


def _tab(text: str, lines: list[str], at: int, chooser: random.Random) -> tuple[str, bytes]:
    lines[at] = "\t" + lines[at]
    return f"tab at line {at + 1}", "".join(lines).encode()


def _garbage(text: str, lines: list[str], at: int, chooser: random.Random) -> tuple[str, bytes]:
    junk = "".join(
        chooser.choice("{}[]:&*!|>'\"%@`#,-? \n") for _ in range(chooser.randrange(1, 40))
    )
    lines.insert(at, junk)
    return f"garbage {junk!r} at line {at + 1}", "".join(lines).encode()


TEXT_MUTATIONS = {
    "duplicate": _duplicate,
    "cut": _cut,
    "bytes": _byte,
    "tab": _tab,
    "garbage": _garbage,
    "bomb": lambda text, *_: ("alias bomb appended", (text + BOMB).encode()),
    "alias": lambda text, *_: ("anchors, aliases and a merge key", (text + MERGED).encode()),
    "huge": lambda text, *_: (
        "a 5000-digit number",
        text.replace(": 80", ": " + "9" * 5000, 1).encode(),
    ),
}


def _mutate_text(text: str, chooser: random.Random) -> tuple[str, bytes]:
    lines = text.splitlines(keepends=True)
    mutate = TEXT_MUTATIONS[chooser.choice(sorted(TEXT_MUTATIONS))]
    return mutate(text, lines, chooser.randrange(len(lines)), chooser)


def mutations(seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    chooser = random.Random(seed)  # noqa: S311 - a seeded generator, to replay a case
    text = sample()
    data = yaml.safe_load(text)
    for _ in range(count):
        if chooser.random() < 0.6:
            mutated = json.loads(json.dumps(data))
            description = ""
            for _ in range(chooser.choice([1, 1, 2, 3])):
                step, mutated = _mutate_data(mutated, chooser)
                description += f"{step}; "
            text_out = yaml.safe_dump(mutated, sort_keys=False, allow_unicode=True)
            text_out = re.sub(
                rf"'?{NEST}(\d+)'?",
                lambda match: "[" * int(match.group(1)) + "x" + "]" * int(match.group(1)),
                text_out,
            )
            yield description.rstrip("; "), text_out.encode()
        else:
            yield _mutate_text(text, chooser)


class _TimeLimit(Exception):
    pass


def _expire(signum: int, frame: Any) -> None:
    raise _TimeLimit


def main(seed: int, count: int, workdir: Path) -> None:
    from opskit.cli import main as opskit

    signal.signal(signal.SIGALRM, _expire)
    workdir.mkdir(parents=True, exist_ok=True)
    for index, (description, body) in enumerate(mutations(seed, count)):
        path = workdir / f"case-{index}.yaml"
        path.write_bytes(body)
        out, err = io.StringIO(), io.StringIO()
        problem = None
        code = None
        started = time.monotonic()
        signal.alarm(TIME_LIMIT_SECONDS)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = opskit(["-c", str(path), "config", "validate"])
        except _TimeLimit:
            problem = f"took more than {TIME_LIMIT_SECONDS} s"
        except BaseException as error:  # noqa: BLE001 - the harness reports whatever escapes
            problem = f"escaped main(): {error.__class__.__name__}: {str(error)[:200]}"
        finally:
            signal.alarm(0)
        shown = out.getvalue() + err.getvalue()
        if problem is None and code not in (0, 3):
            problem = f"exit {code}"
        if problem is None and ("internal error" in shown or "Traceback" in shown):
            problem = next(
                line.strip()[:300]
                for line in shown.splitlines()
                if "internal error" in line or "Traceback" in line
            )
        print(
            json.dumps(
                {
                    "case": index,
                    "tried": description,
                    "exit": code,
                    "problem": problem,
                    "seconds": round(time.monotonic() - started, 2),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
