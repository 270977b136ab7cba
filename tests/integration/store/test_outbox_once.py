"""The notification outbox flushed by several runners at once: every message goes out once,
on one machine's SQLite file and on a shared PostgreSQL store alike."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opskit import notify
from opskit.config.load import load
from opskit.store import Store
from opskit.store.location import StoreLocation
from support.webhook import WebhookReceiver

pytestmark = pytest.mark.integration

MESSAGES = 40
FLUSHER = """
import sys
from datetime import UTC, datetime
from opskit import notify
from opskit.config.load import load
from opskit.store import Store

config = load(__import__("pathlib").Path(sys.argv[1]))
with Store.open(config.store_location) as store:
    notify.flush(store, config, datetime.now(UTC), budget_seconds=60)
"""


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def test_four_runners_flushing_at_once_send_each_message_once(
    history_location: Any,
    make_config: Callable[..., Path],
    webhook: WebhookReceiver,
) -> None:
    data: dict[str, Any] = {
        "organisation": {"name": "Pengadilan Agama Uji", "code": "pa_uji"},
        "people": [{"name": "Budi", "roles": ["operator"], "notify": ["chat"]}],
        "notifications": {"channels": [{"name": "chat", "url": webhook.url}]},
    }
    if isinstance(history_location, StoreLocation):
        data["store"] = {
            "url": history_location.url,
            "password_file": str(history_location.password_file),
        }
    else:
        data["paths"] = {"history_db": str(history_location)}
    path = make_config(data)
    config = load(path)
    with Store.open(config.store_location) as store:
        for index in range(MESSAGES):
            notify.queue_message(
                store, config, ["Budi"], kind="reminder", subject=f"Pesan {index}", body="isi",
                reference=f"r{index}", now=datetime.now(UTC),
            )  # fmt: skip

    flushers = [
        subprocess.Popen([sys.executable, "-c", FLUSHER, str(path)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    errors = [flusher.communicate(timeout=120)[1] for flusher in flushers]

    assert [flusher.returncode for flusher in flushers] == [0] * 4, errors
    titles = sorted(str(post.get("title")) for post in webhook.posts)
    assert titles == sorted(f"Pesan {index}" for index in range(MESSAGES))
    with Store.open(config.store_location) as store:
        states = store.read("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state")
    assert [(row["state"], row["n"]) for row in states] == [("sent", MESSAGES)]
