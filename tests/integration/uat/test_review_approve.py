"""Review and approval from the command line: who may decide, what can be decided, and finality."""

from __future__ import annotations

import pytest

from support.uat_app import ComplaintApp

pytestmark = pytest.mark.integration

HOME = {"id": "beranda", "title": "Beranda", "http": {"path": "/"}}
MISSING = {"id": "hilang", "title": "Halaman arsip", "http": {"path": "/hilang"}}


@pytest.fixture
def passed_run(uat_config, checklist, cli, app: ComplaintApp):
    """A config and a passed run 1 of it."""

    def make(**extra):
        config = uat_config(**extra)
        run = cli("--config", config, "uat", "run", checklist(HOME), "--target", app.url)
        assert run.exit_code == 0, run.stderr
        return config

    return make


def review(cli, config, run: str = "1", reviewer: str = "Siti Aminah", *extra: str):
    return cli("--config", config, "uat", "review", run, "--reviewer", reviewer,
               "--note", "Sesuai kebutuhan", *extra)  # fmt: skip


def approve(cli, config, approver: str = "Ahmad Fauzi", *extra: str):
    return cli("--config", config, "uat", "approve", "1", "--approver", approver, *extra)


def test_only_a_person_with_the_approving_role_may_approve(passed_run, cli) -> None:
    config = passed_run()
    assert review(cli, config, "1", "Siti Aminah", "--recommend", "approve").exit_code == 0

    by_operator = approve(cli, config, "Budi Santoso", "--lang", "en")
    by_stranger = approve(cli, config, "Orang Lain", "--lang", "en")
    in_indonesian = approve(cli, config, "Budi Santoso")
    by_ketua = approve(cli, config, "ahmad fauzi", "--format", "json")

    assert by_operator.exit_code == 3
    assert "Budi Santoso may not approve or reject UAT runs" in by_operator.stderr
    assert "uat.approver_role is ketua" in by_operator.stderr
    assert "people with the role ketua" in by_operator.stderr
    assert "Ahmad Fauzi" in by_operator.stderr
    assert "Orang Lain is not in people[]" in by_stranger.stderr
    assert "uat.approver_role menetapkan peran Ketua" in " ".join(in_indonesian.stderr.split())
    assert by_ketua.exit_code == 0, by_ketua.stderr
    decision = by_ketua.json["data"]["decision"]
    assert (decision["decision"], decision["approver"], decision["role"]) == (
        "approved",
        "Ahmad Fauzi",
        "ketua",
    )
    assert decision["nip"] == "197001011990031001"


def test_the_approving_role_is_configurable(passed_run, cli) -> None:
    config = passed_run(uat={"approver_role": "sekretaris"})
    review(cli, config)

    assert approve(cli, config, "Ahmad Fauzi").exit_code == 3
    assert approve(cli, config, "Dewi Lestari").exit_code == 0


def test_a_reviewer_role_when_configured_is_enforced(passed_run, cli) -> None:
    config = passed_run(uat={"reviewer_role": "kasubbag_ti"})

    refused = review(cli, config, "1", "Budi Santoso", "--lang", "en")
    accepted = review(cli, config, "1", "siti aminah", "--format", "json")

    assert refused.exit_code == 3
    assert "may not review UAT runs" in refused.stderr
    assert accepted.exit_code == 0
    assert accepted.json["data"]["reviews"][0]["reviewer"] == "Siti Aminah"


def test_a_failed_run_cannot_be_approved_but_can_be_rejected_with_a_reason(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    config = uat_config()
    run = cli("--config", config, "uat", "run", checklist(HOME, MISSING), "--target", app.url)
    assert run.exit_code == 2
    review(cli, config)

    approved = approve(cli, config)
    no_reason = approve(cli, config, "Ahmad Fauzi", "--reject")
    rejected = approve(cli, config, "Ahmad Fauzi", "--reject", "--reason", "Halaman arsip hilang")

    assert approved.exit_code == 3
    assert "UAT run 1 failed; only a passed run can be approved" in approved.stderr
    assert no_reason.exit_code == 3
    assert "a rejection needs --reason TEXT" in no_reason.stderr
    assert rejected.exit_code == 0
    assert "rejected by Ahmad Fauzi" in rejected.stdout


def test_an_unreviewed_run_cannot_be_approved(passed_run, cli) -> None:
    config = passed_run()

    refused = approve(cli, config)

    assert refused.exit_code == 3
    assert "has not been reviewed" in refused.stderr
    assert "opskit uat review 1 --reviewer NAME --note TEXT" in refused.stderr


def test_an_approved_run_cannot_be_changed(passed_run, cli) -> None:
    config = passed_run()
    review(cli, config)
    assert approve(cli, config).exit_code == 0

    another_review = review(cli, config, "1", "Dewi Lestari")
    second_decision = approve(cli, config, "Ahmad Fauzi", "--reject", "--reason", "Berubah pikiran")
    shown = cli("--config", config, "uat", "show", "1", "--format", "json")

    for refused in (another_review, second_decision):
        assert refused.exit_code == 3
        assert "was approved by Ahmad Fauzi" in refused.stderr
        assert "a new version needs a new run" in refused.stderr
    data = shown.json["data"]
    assert data["state"] == "approved"
    assert [item["reviewer"] for item in data["reviews"]] == ["Siti Aminah"]


def test_an_unknown_run_is_a_clear_error(uat_config, cli) -> None:
    run = cli("--config", uat_config(), "uat", "approve", "42", "--approver", "Ahmad Fauzi")

    assert run.exit_code == 3
    assert "no UAT run 42 in history" in run.stderr
