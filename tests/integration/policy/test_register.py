"""The register of IT policy (SOP A): a decree proposed, sent back and set by the ketua with
its number and date, then superseded by a newer one; every other role refused the ketua's
step; the regulations' yearly review reminder fires after a year on a controlled clock
(delivered by e-mail through a real SMTP server on loopback), and not before."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit import notify
from opskit.actions import policy
from opskit.config.load import load
from opskit.context import AppContext
from opskit.errors import RefusedError
from opskit.identity import console_actor, terminal_actor
from opskit.result import Status
from opskit.text import Words
from support.smtp import SmtpServer

PEOPLE = [
    {"name": "Budi Santoso", "roles": ["operator"], "login": "budi"},
    {"name": "Siti Aminah", "roles": ["kasubbag_ti"], "login": "siti",
     "email": "kasubbag@pa-uji.go.id", "notify": ["email"]},
    {"name": "Ahmad Fauzi", "roles": ["ketua"], "login": "ahmad"},
    {"name": "Nur Aini", "roles": ["penanggung_jawab"], "login": "nur"},
    {"name": "Rudi Hartono", "roles": ["redaktur"], "login": "rudi"},
    {"name": "Rina Wulandari", "roles": ["pegawai"], "login": "rina"},
]  # fmt: skip
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def office(make_config: Callable[..., Path], smtp: SmtpServer) -> Iterator[AppContext]:
    config = load(make_config({
        "people": PEOPLE,
        "notifications": {"channels": [{"name": "email", "url": smtp.url()}]},
    }))  # fmt: skip
    context = AppContext(None, interactive=False, config=config)
    yield context
    context.close()


def decree(cli: Any, config: Path, title: str, number: str, dated: str, *extra: str) -> int:
    def ok(*arguments: str) -> dict[str, Any]:
        result = cli("-c", config, *arguments, "--format", "json")
        assert result.exit_code == 0, result.stdout + result.stderr
        return dict(result.json["data"])

    made = ok("policy", "new", "--by", "siti", "--kind", "decree", "--title", title,
              "--body", f"Menetapkan susunan Tim IT ({title}).")  # fmt: skip
    document = str(made["id"])
    ok("policy", "plan", document, "--by", "siti")
    ok("policy", "propose", document, "--by", "siti")
    ok("policy", "set", document, "--by", "ahmad", "--number", number, "--date", dated, *extra)
    return int(document)


def test_a_decree_set_by_the_ketua_is_superseded_by_a_newer_one(
    cli: Any, office: AppContext
) -> None:
    config = office.config.source
    made = cli("-c", config, "policy", "new", "--by", "siti", "--kind", "decree", "--title",
               "SK Tim IT 2026", "--body", "Susunan Tim IT", "--format", "json")  # fmt: skip
    first = str(made.json["data"]["id"])
    cli("-c", config, "policy", "plan", first, "--by", "siti")
    cli("-c", config, "policy", "propose", first, "--by", "siti")
    for login in ("budi", "siti", "nur", "rudi", "rina"):
        refused = cli("-c", config, "policy", "set", first, "--by", login, "--number", "1",
                      "--date", "2026-01-05")  # fmt: skip
        said = " ".join(refused.stderr.split())
        assert refused.exit_code == 3 and "tindakan ini memerlukan peran Ketua" in said, login
    english = cli("-c", config, "policy", "set", first, "--by", "budi", "--number", "1",
                  "--date", "2026-01-05", "--lang", "en")  # fmt: skip
    assert "Budi Santoso may not set IT policy documents" in english.stderr
    assert "it needs the role ketua" in english.stderr
    sent = cli("-c", config, "policy", "send-back", first, "--by", "ahmad", "--reason",
               "Tambahkan admin SIPP", "--format", "json")  # fmt: skip
    assert sent.json["data"]["state"] == "drafted"
    cli("-c", config, "policy", "revise", first, "--by", "siti", "--body", "Susunan baru")
    cli("-c", config, "policy", "propose", first, "--by", "siti")
    done = cli("-c", config, "policy", "set", first, "--by", "ahmad", "--number",
               "W20-A/12/OT.01/I/2026", "--date", "2026-01-05", "--format", "json")  # fmt: skip
    assert done.json["data"]["state"] == "set"
    assert done.json["data"]["decree_number"] == "W20-A/12/OT.01/I/2026"
    assert len(done.json["data"]["versions"]) == 2

    second = decree(cli, config, "SK Tim IT 2027", "W20-A/3/OT.01/I/2027", "2027-01-04",
                    "--supersedes", first)  # fmt: skip

    register = cli("-c", config, "policy", "list", "--format", "json").json["data"]
    states = {item["id"]: (item["state"], item["superseded_by"]) for item in register["documents"]}
    assert states == {int(first): ("superseded", second), second: ("set", None)}
    assert register["baseline"][0]["path"].endswith("security.yaml")
    assert register["baseline"][0]["changed_at"]
    again = cli("-c", config, "policy", "set", str(second), "--by", "ahmad", "--number", "x",
                "--date", "2027-01-05", "--supersedes", first)  # fmt: skip
    assert again.exit_code == 3


def test_the_yearly_review_reminder_fires_after_a_year_and_not_before(
    office: AppContext, smtp: SmtpServer
) -> None:
    siti = terminal_actor(office.config, "siti")
    policy.add_regulation(office, siti, title="Keterbukaan Informasi Publik", number="UU 14",
                          year=2008, link=None, summary="Informasi publik", now=START)  # fmt: skip

    early = policy.check_policy(office, now=START + timedelta(days=364))
    assert [result.status for result in early.results] == [Status.OK]
    late = policy.check_policy(office, now=START + timedelta(days=366))
    assert [result.status for result in late.results] == [Status.WARNING]
    assert "not reviewed since 5 January 2026" in late.results[0].summary
    said = Words("id", UTC).say(late.results[0].summary)
    assert said == "belum ditinjau sejak 5 Januari 2026 (setiap 365 hari)"
    notify.flush(office.store(), office.config, START + timedelta(days=366))
    [mail] = smtp.messages
    assert "Peninjauan tahunan peraturan TI" in str(mail.message["subject"])
    assert mail.recipients == ["kasubbag@pa-uji.go.id"]
    again = policy.check_policy(office, now=START + timedelta(days=367))
    assert again.messages == []  # reminded once per regulation and period

    policy.review_regulations(office, siti, ids=None, note="Masih berlaku",
                              now=START + timedelta(days=368))  # fmt: skip
    after = policy.check_policy(office, now=START + timedelta(days=369))
    assert [result.status for result in after.results] == [Status.OK]
    rina = console_actor(office.config, "rina", "127.0.0.1")  # signed in, a pegawai
    assert rina is not None
    with pytest.raises(RefusedError, match="may not keep the list of regulations"):
        policy.review_regulations(office, rina, ids=None, note=None, now=START)
