"""A request's whole life at the terminal, as the operator and the office's people type it:
registered with an attachment, every SOP step by the person holding it, a reopen, and
rejections at verification and at approval; each refusal says who may, or when."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from opskit import audit
from opskit.config.schema import Config
from opskit.store import Store

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def json_of(cli: Any, config: Config, *arguments: str) -> dict[str, Any]:
    result = cli("-c", config.source, *arguments, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return dict(result.json["data"])


def refused(cli: Any, config: Config, *arguments: str) -> str:
    """The refusal as the terminal says it in English (``--lang en``; Indonesian is tested
    in tests/unit/procedures/test_refusals_language.py)."""
    result = cli("-c", config.source, *arguments, "--lang", "en")
    assert result.exit_code == 3, result.stdout
    return " ".join(result.stderr.split())


def register(cli: Any, config: Config, tmp_path: Path, subject: str = "Printer macet") -> int:
    photo = tmp_path / "foto printer.png"
    photo.write_bytes(PNG)
    data = json_of(
        cli,
        config,
        "request",
        "new",
        "--by",
        "budi",
        "--requester",
        "Rina Wulandari",
        "--unit",
        "Kepaniteraan",
        "--contact",
        "0812-5555-0101",
        "--subject",
        subject,
        "--description",
        "Printer ruang sidang 2 tidak menarik kertas",
        "--attach",
        str(photo),
    )
    assert re.fullmatch(r"\d{3}/PLTI/[IVX]+/\d{4}", data["number"])
    assert data["state"] == "received"
    return int(data["id"])


def through_consideration(cli: Any, config: Config, request: str) -> None:
    json_of(
        cli,
        config,
        "request",
        "dispose",
        request,
        "--by",
        "Dewi Lestari",
        "--to",
        "siti",
        "--note",
        "Mohon ditelaah",
    )
    json_of(
        cli,
        config,
        "request",
        "study",
        request,
        "--by",
        "Siti Aminah",
        "--note",
        "Roller printer aus",
    )
    json_of(
        cli, config, "request", "classify", request, "--by", "Siti Aminah", "--category", "hardware"
    )
    json_of(cli, config, "request", "verify", request, "--by", "Siti Aminah")
    data = json_of(
        cli,
        config,
        "request",
        "prioritise",
        request,
        "--by",
        "Siti Aminah",
        "--urgency",
        "high",
        "--impact",
        "medium",
    )
    assert data["priority"] == "P2"
    json_of(
        cli,
        config,
        "request",
        "consider",
        request,
        "--by",
        "Siti Aminah",
        "--note",
        "Ganti roller, stok ada",
    )


def test_a_request_from_the_form_to_its_confirmation_with_a_reopen(
    court: Callable[..., Config], cli: Any, tmp_path: Path
) -> None:
    config = court()
    request = str(register(cli, config, tmp_path))
    through_consideration(cli, config, request)
    json_of(cli, config, "request", "approve", request, "--by", "Ahmad Fauzi")
    json_of(
        cli,
        config,
        "request",
        "handle",
        request,
        "--by",
        "CV Teknologi Nusantara",
        "--note",
        "Roller dipesan",
    )
    json_of(
        cli,
        config,
        "request",
        "handle",
        request,
        "--by",
        "Budi Santoso",
        "--note",
        "Roller diganti",
        "--done",
    )
    reopened = json_of(
        cli, config, "request", "reopen", request, "--by", "rina", "--reason", "Masih bergaris"
    )
    assert reopened["state"] == "approved"
    json_of(
        cli,
        config,
        "request",
        "handle",
        request,
        "--by",
        "budi",
        "--note",
        "Drum dibersihkan",
        "--done",
    )
    closed = json_of(cli, config, "request", "close", request, "--by", "Rina Wulandari")

    assert closed["state"] == "closed"
    assert [(step["step"], step["actor"], step["edge"]) for step in closed["steps"]] == [
        ("receive", "Budi Santoso", "terminal"),
        ("dispose", "Dewi Lestari", "terminal"),
        ("study", "Siti Aminah", "terminal"),
        ("classify", "Siti Aminah", "terminal"),
        ("verify", "Siti Aminah", "terminal"),
        ("prioritise", "Siti Aminah", "terminal"),
        ("consider", "Siti Aminah", "terminal"),
        ("approve", "Ahmad Fauzi", "terminal"),
        ("work", "CV Teknologi Nusantara", "terminal"),
        ("handle", "Budi Santoso", "terminal"),
        ("reopen", "Rina Wulandari", "terminal"),
        ("handle", "Budi Santoso", "terminal"),
        ("close", "Rina Wulandari", "terminal"),
    ]
    steps = closed["steps"]
    assert steps[0]["attachments"][0]["name"] == "foto printer.png"
    assert steps[1]["fields"] == {"assignee": "Siti Aminah"}
    assert steps[1]["note"] == "Mohon ditelaah"
    assert steps[5]["fields"] == {"urgency": "high", "impact": "medium", "priority": "P2"}
    assert steps[10]["note"] == "Masih bergaris"
    assert (closed["category"], closed["assignee"], closed["requester"]) == (
        "hardware",
        "Siti Aminah",
        "Rina Wulandari",
    )
    with Store.open(config.history_db) as store:
        entries = [(entry.action, entry.actor, entry.edge) for entry in audit.listing(store)]
    assert ("requests.receive", "Budi Santoso", "terminal") in entries
    assert ("requests.approve", "Ahmad Fauzi", "terminal") in entries
    assert ("requests.close", "Rina Wulandari", "terminal") in entries
    listed = json_of(cli, config, "request", "list", "--state", "closed")
    assert [item["id"] for item in listed["requests"]] == [int(request)]


def test_rejection_at_verification_and_at_approval_ends_the_request(
    court: Callable[..., Config], cli: Any, tmp_path: Path
) -> None:
    config = court()
    at_verification = str(register(cli, config, tmp_path, "Instal game"))
    for step, extra in (
        ("dispose", ("--to", "Siti Aminah", "--note", "Telaah")),
        ("study", ("--note", "Permintaan pribadi")),
        ("classify", ("--category", "software")),
    ):
        by = "Dewi Lestari" if step == "dispose" else "Siti Aminah"
        json_of(cli, config, "request", step, at_verification, "--by", by, *extra)
    rejected = json_of(
        cli,
        config,
        "request",
        "verify",
        at_verification,
        "--by",
        "Siti Aminah",
        "--reject",
        "--reason",
        "Bukan kebutuhan dinas",
    )
    at_approval = str(register(cli, config, tmp_path, "Laptop baru"))
    through_consideration(cli, config, at_approval)
    refused_by_ketua = json_of(
        cli,
        config,
        "request",
        "approve",
        at_approval,
        "--by",
        "Ahmad Fauzi",
        "--reject",
        "--reason",
        "Anggaran tahun depan",
    )

    assert rejected["state"] == refused_by_ketua["state"] == "rejected"
    assert rejected["steps"][-1] | {"at": None, "at_local": None} == rejected["steps"][-1] | {
        "step": "reject",
        "from": "classified",
        "note": "Bukan kebutuhan dinas",
        "actor": "Siti Aminah",
        "at": None,
        "at_local": None,
    }
    assert (refused_by_ketua["steps"][-1]["from"], refused_by_ketua["steps"][-1]["note"]) == (
        "considered",
        "Anggaran tahun depan",
    )
    assert refused(
        cli,
        config,
        "request",
        "prioritise",
        at_verification,
        "--by",
        "Siti Aminah",
        "--urgency",
        "low",
        "--impact",
        "low",
    ).endswith("is rejected: 'Set urgency and priority' is taken only when it is verified")
    assert refused(
        cli, config, "request", "reopen", at_approval, "--by", "rina", "--reason", "x"
    ).endswith("'Reopen' is taken only when it is handled, awaiting the requester")


def test_each_step_is_refused_to_the_wrong_person_and_out_of_turn(
    court: Callable[..., Config], cli: Any, tmp_path: Path
) -> None:
    config = court()
    request = str(register(cli, config, tmp_path))

    wrong_role = refused(
        cli,
        config,
        "request",
        "dispose",
        request,
        "--by",
        "Siti Aminah",
        "--to",
        "Budi",
        "--note",
        "x",
    )
    out_of_turn = refused(
        cli, config, "request", "study", request, "--by", "Siti Aminah", "--note", "x"
    )
    stranger = refused(
        cli,
        config,
        "request",
        "dispose",
        request,
        "--by",
        "Orang Lain",
        "--to",
        "Budi",
        "--note",
        "x",
    )
    kasubbag_rejecting_the_secretarys_step = refused(
        cli, config, "request", "reject", request, "--by", "Siti Aminah", "--reason", "x"
    )
    no_instruction = refused(
        cli, config, "request", "dispose", request, "--by", "Dewi Lestari", "--to", "Siti Aminah"
    )

    assert wrong_role.startswith(
        "opskit: Siti Aminah may not dispose IT service requests: Siti Aminah has the roles "
        "kasubbag_ti, and it needs the role sekretaris"
    )
    assert "people with the role sekretaris" in wrong_role and "Dewi Lestari" in wrong_role
    assert out_of_turn == (
        f"opskit: request {request} ({_number(cli, config, request)}) is received; it waits for "
        "'Dispose the request letter': 'Examine the request' is taken only when it is disposed"
    )
    assert "Orang Lain is not in people[]" in stranger
    assert kasubbag_rejecting_the_secretarys_step.endswith(
        "only whoever holds the step it waits for ('Dispose the request letter') may"
    )
    assert "'Dispose the request letter' needs a note" in no_instruction
    shown = json_of(cli, config, "request", "show", request)
    assert [step["step"] for step in shown["steps"]] == ["receive"]
    assert shown["state"] == "received"
    json_of(
        cli,
        config,
        "request",
        "dispose",
        request,
        "--by",
        "Dewi Lestari",
        "--to",
        "siti",
        "--note",
        "Telaah",
    )
    for step, by in (("study", "Siti Aminah"), ("classify", "Siti Aminah")):
        options = ("--note", "x") if step == "study" else ("--category", "printer")
        if step == "classify":
            assert "--category 'printer': choose one of hardware, software" in refused(
                cli, config, "request", step, request, "--by", by, *options
            )
        else:
            json_of(cli, config, "request", step, request, "--by", by, *options)


def test_only_the_requester_or_the_operator_confirms(
    court: Callable[..., Config], cli: Any, tmp_path: Path
) -> None:
    config = court()
    request = str(register(cli, config, tmp_path))
    through_consideration(cli, config, request)
    json_of(cli, config, "request", "approve", request, "--by", "Ahmad Fauzi")
    json_of(
        cli, config, "request", "handle", request, "--by", "budi", "--note", "Selesai", "--done"
    )

    another_employee = refused(cli, config, "request", "close", request, "--by", "Joko Susilo")

    assert another_employee.endswith(
        f"Joko Susilo may not take 'Confirm it is done' on request {request} "
        f"({_number(cli, config, request)}): only operator or the requester may"
    )
    assert json_of(cli, config, "request", "close", request, "--by", "budi")["state"] == "closed"


def _number(cli: Any, config: Config, request: str) -> str:
    return str(json_of(cli, config, "request", "show", request)["number"])
