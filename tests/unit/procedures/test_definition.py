"""Procedure definitions: the built-in ones are valid, an office's own replaces them, and
every problem of a bad one is reported at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskit.config.load import load
from opskit.errors import ConfigError
from opskit.helpdesk.settings import request_settings
from opskit.paths import checks_dir
from opskit.procedures.definition import Standard, available, procedure

BUILTIN = checks_dir() / "procedures"
BROKEN = """\
title: {id: Uji, en: Test}
action: test
states:
  open:
    title: {id: Terbuka, en: Open}
  done:
    title: {id: Selesai, en: Done}
    final: true
steps:
  start:
    title: {id: Mulai, en: Start}
    roles: [operator]
    to: open
    time: 10 minutes
  finish:
    title: {id: Selesai, en: Finish}
    roles: [kepala]
    from: [open, nowhere]
    to: done
    time: 1h
  hurry:
    title: {id: Cepat, en: Hurry}
    roles: [operator]
    from: [open, done]
    to: done
    time: 5m
"""


def office(make_config, tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    directory = tmp_path / "procedures"
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text)
    return load(make_config({"procedures": {"directory": str(directory)}}))


def test_the_built_in_procedures_are_valid(make_config) -> None:
    config = load(make_config())

    assert set(available(config)) == {"content", "policy", "service-request", "uat"}
    requests = procedure(config, "service-request")
    assert [step.sop for step in requests.steps.values()][:9] == [
        "B1",
        "B2",
        "B3",
        "B4",
        "B5",
        "B6",
        "B7",
        "B8",
        "B9",
    ]
    # The SOP's "Mutu Baku": 10, 10, 10, 15, 15, 30, 30, 15 minutes and one day.
    assert [
        str(requests.steps[name].standard)
        for name in (
            "receive",
            "dispose",
            "study",
            "classify",
            "verify",
            "prioritise",
            "consider",
            "approve",
            "handle",
        )
    ] == ["10m", "10m", "10m", "15m", "15m", "30m", "30m", "15m", "1d"]
    assert request_settings(requests).priority("high", "high") == "P1"
    assert request_settings(requests).priority("low", "low") == "P4"


def test_every_problem_of_a_definition_is_reported_with_its_line(
    make_config, tmp_path: Path
) -> None:
    config = office(make_config, tmp_path, {"broken.yaml": BROKEN})

    with pytest.raises(ConfigError) as raised:
        procedure(config, "broken")

    path = tmp_path / "procedures" / "broken.yaml"
    first, second = raised.value.details
    assert first.startswith(f"{path}:14: steps.start.time: '10 minutes' is not a time standard")
    assert second.startswith(f"{path}:17: steps.finish.roles: unknown role kepala")


def test_the_cross_rules_of_states_and_steps(make_config, tmp_path: Path) -> None:
    text = BROKEN.replace("time: 10 minutes", "time: 10m").replace("[kepala]", "[ketua]")
    config = office(make_config, tmp_path, {"broken.yaml": text})

    with pytest.raises(ConfigError) as raised:
        procedure(config, "broken")

    details = raised.value.details
    path = tmp_path / "procedures" / "broken.yaml"
    assert f"{path}:18: steps.finish.from: unknown state 'nowhere'" in details
    assert f"{path}:24: steps.hurry.from: done is final; nothing leaves it" in details
    assert f"{path}:4: states.open: waits for one timed step, not finish, hurry" in details


def test_an_office_file_replaces_the_built_in_one_of_that_name(make_config, tmp_path: Path) -> None:
    text = (BUILTIN / "service-request.yaml").read_text()
    slower = text.replace(
        "    time: 10m\n    needs: [note]\n    input: {id: Lembar",
        "    time: 1h\n    needs: [note]\n    input: {id: Lembar",
    )
    assert slower != text
    config = office(make_config, tmp_path, {"service-request.yaml": slower})

    chosen = procedure(config, "service-request")

    assert chosen.path == tmp_path / "procedures" / "service-request.yaml"
    assert chosen.steps["dispose"].standard == Standard(minutes=60)


def test_request_settings_are_checked_with_their_lines(make_config, tmp_path: Path) -> None:
    text = (BUILTIN / "service-request.yaml").read_text()
    broken = text.replace(
        "    low: {high: P3, medium: P4, low: P4}", "    low: {high: P3, low: P9}"
    )
    config = office(make_config, tmp_path, {"service-request.yaml": broken})

    with pytest.raises(ConfigError) as raised:
        request_settings(procedure(config, "service-request"))

    said = "\n".join(raised.value.details)
    assert "matrix.low.medium is missing" in said
    assert "matrix.low.low: P9 is not in priorities" in said
    assert "service-request.yaml:" in said


def test_procedures_validate_names_each_problem(make_config, tmp_path: Path, cli) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)

    result = cli("-c", make_config(), "procedures", "validate", str(path))

    said = " ".join(result.stdout.split())
    assert result.exit_code == 3
    assert "unknown role kepala" in said
    assert "'10 minutes' is not a time standard" in said
    valid = cli("-c", make_config(), "procedures", "validate", "service-request")
    assert valid.exit_code == 0, valid.stdout
