"""Register numbers: taken under the store's write lock, so requests registered at once by
several processes get consecutive numbers, never the same one; a new year starts at 001."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from opskit.config.schema import Config
from opskit.store import Store

from .conftest import moment

REGISTER = """
import sys
from datetime import datetime, timezone
from opskit.actions import requests
from opskit.config.load import load
from opskit.context import AppContext
from opskit.helpdesk.records import NewRequest
from opskit.identity import terminal_actor
from pathlib import Path
config = load(Path(sys.argv[1]))
context = AppContext(None, interactive=False, config=config)
budi = terminal_actor(config, "budi")
for index in range(int(sys.argv[2])):
    form = NewRequest(requester="Rina Wulandari", unit="TI", contact="1",
                      subject=f"Proses {sys.argv[3]} nomor {index}", description="x")
    requests.new(context, budi, form, now=datetime(2026, 12, 8, 1, tzinfo=timezone.utc))
context.close()
"""


def test_processes_registering_at_once_get_consecutive_numbers(
    court: Callable[..., Config],
) -> None:
    config = court()
    workers = [
        subprocess.Popen([sys.executable, "-c", REGISTER, str(config.source), "15", str(worker)])
        for worker in range(3)
    ]
    assert [worker.wait(timeout=300) for worker in workers] == [0, 0, 0]

    with Store.open(config.history_db) as store:
        numbers = [row["number"] for row in store.read("SELECT number FROM requests ORDER BY id")]

    assert numbers == [f"{sequence:03d}/PLTI/XII/2026" for sequence in range(1, 46)]


def test_a_new_year_starts_at_one(court: Callable[..., Config], desk: Any) -> None:
    office = desk(court())

    december = office.new("budi", moment(date(2026, 12, 31), 15))
    january = office.new("budi", moment(date(2027, 1, 4), 8))

    assert (december["number"], january["number"]) == ("001/PLTI/XII/2026", "001/PLTI/I/2027")
    assert re.fullmatch(r"\d{3}/PLTI/[IVX]+/\d{4}", january["number"])
