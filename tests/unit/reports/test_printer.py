"""The PDF printer: a forked worker from a single-threaded command, this process otherwise;
the same file either way, and the worker's errors raised here."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from opskit.reports.printer import Printer

HTML = "<html><body><h1>Laporan</h1><p>Rekapitulasi bulanan.</p></body></html>"

# Run in a process of its own: the test runner may hold threads, and a fork is only made
# from a process with one.
FORKED = """
import json, sys
from pathlib import Path
from opskit.reports.printer import Printer

out = Path(sys.argv[1])
with Printer() as printer:
    forked = printer.forked
    printer.start(sys.argv[2], out / "a.pdf")()
    try:
        printer.start(sys.argv[2], out / "missing" / "b.pdf")()
        error = None
    except OSError as raised:
        error = type(raised).__name__
print(json.dumps({"forked": forked, "error": error}))
"""


def test_a_single_threaded_command_prints_in_a_forked_worker(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", FORKED, str(out), HTML],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answer = json.loads(done.stdout)
    assert answer == {"forked": True, "error": "FileNotFoundError"}
    assert (out / "a.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(path.name for path in out.iterdir()) == ["a.pdf"]  # no temporary left


def test_with_other_threads_it_prints_in_this_process(tmp_path: Path) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Printer() as printer:
            assert not printer.forked
            printer.start(HTML, tmp_path / "a.pdf")()
    finally:
        stop.set()
        other.join()
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")


def test_not_wanted_means_no_worker(tmp_path: Path) -> None:
    with Printer(wanted=False) as printer:
        assert not printer.forked
        with pytest.raises(FileNotFoundError):
            printer.start(HTML, tmp_path / "missing" / "a.pdf")()
