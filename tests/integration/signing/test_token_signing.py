"""A signature made with a key on a PKCS#11 token (SoftHSM2, as a smart card or a USB token
would hold it): the ketua signs after the kasubbag, whose key is a PKCS#12 file; both verify
here and in poppler's pdfsig. A wrong PIN, a token that is not there and a missing key are
each a clear error that signs nothing."""

from __future__ import annotations

import html
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from opskit.config.schema import Config
from opskit.identity import Actor
from opskit.result import utc_now
from opskit.signing import apply, records
from opskit.signing.keys import SigningError
from opskit.store import Store
from support.console import PEOPLE, seed
from support.pki import Authority
from support.softhsm import SoftToken
from support.system import require

from .test_signing import PUBLIC, approved_uat_document, opskit_verify, sign_as

pytestmark = pytest.mark.integration

PIN = "246810"
KETUA = Actor("Ahmad Fauzi", frozenset({"ketua"}), "console", login="ahmad")


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SoftToken, Authority]]:
    """One token for the module (SoftHSM reads its configuration once per process)."""
    authority = Authority(tmp_path_factory.mktemp("token-pki"))
    made = SoftToken(tmp_path_factory.mktemp("softhsm"), "PA-UJI-KETUA", PIN)
    key, certificate = authority.issue("Ahmad Fauzi")
    made.add(key, certificate, "ahmad-fauzi")
    yield made, authority


@pytest.fixture
def token_court(
    court_config: Callable[..., Config], token: tuple[SoftToken, Authority], tmp_path: Path
) -> Callable[..., tuple[Config, dict[str, int]]]:
    soft, authority = token

    def make(pin: str = PIN, **ketua_key: str) -> tuple[Config, dict[str, int]]:
        pin_file = tmp_path / "ketua.pin"
        pin_file.write_text(pin + "\n")
        pin_file.chmod(0o600)
        p12, password = authority.signer("Siti Aminah", "sandi-siti-rahasia")
        keys: dict[str, dict[str, str]] = {
            "siti": {"pkcs12_file": str(p12), "password_file": str(password)},
            "ahmad": {
                "pkcs11_module": soft.module,
                "token_label": soft.label,
                "key_label": "ahmad-fauzi",
                "password_file": str(pin_file),
                **ketua_key,
            },
        }
        people = [
            {**person, **({"signing": keys[person["login"]]} if person["login"] in keys else {})}
            for person in PEOPLE
        ]
        config = court_config(
            people=people,
            signing={"trust_roots": [str(authority.pem)]},
            console={"public_url": PUBLIC},
        )
        return config, seed(config)

    return make


def test_the_ketua_signs_with_the_key_on_his_token_and_both_signatures_verify(
    token_court: Any, cli: Any
) -> None:
    config, ids = token_court()
    document = approved_uat_document(config, ids)

    first = sign_as(config, "siti", document.id)
    second = sign_as(config, "ahmad", document.id)

    assert first.status_code == 303 and second.status_code == 303, second.text
    with Store.open(config.history_db) as store:
        signed = records.get(store, document.id)
    assert signed is not None and signed.complete
    checked = opskit_verify(cli, signed.path, "--format", "json", "-c", config.source)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    signatures = checked.json["data"]["signatures"]
    assert [item["signer"] for item in signatures] == ["Siti Aminah", "Ahmad Fauzi"]
    assert all(item["trusted"] and item["intact"] for item in signatures)
    pdfsig = subprocess.run(
        [require("pdfsig", "poppler-utils"), str(signed.path)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert pdfsig.stdout.count("Signature is Valid.") == 2, pdfsig.stdout
    assert "Ahmad Fauzi" in pdfsig.stdout


@pytest.mark.parametrize(
    ("pin", "key", "expected", "shown"),
    [
        ("135790", {}, "the PIN in .* does not open Ahmad Fauzi's token", "PIN-nya"),
        (PIN, {"token_label": "TOKEN-LAIN"}, "cannot open Ahmad Fauzi's token", "token terpasang"),
        (
            PIN,
            {"key_label": "bukan-kuncinya"},
            "no key and certificate labelled",
            "token terpasang",
        ),
    ],
    ids=["wrong-pin", "no-such-token", "no-such-key"],
)
def test_a_token_that_does_not_open_is_a_clear_error_and_signs_nothing(
    token_court: Any, pin: str, key: dict[str, str], expected: str, shown: str
) -> None:
    config, ids = token_court(pin, **key)
    document = approved_uat_document(config, ids)
    assert sign_as(config, "siti", document.id).status_code == 303
    with Store.open(config.history_db) as store:
        before = records.get(store, document.id)
    assert before is not None
    signed_bytes = before.path.read_bytes()

    with Store.open(config.history_db) as store, pytest.raises(SigningError, match=expected):
        apply.sign(config, store, document.id, KETUA, utc_now())
    refused = sign_as(config, "ahmad", document.id)

    assert refused.status_code == 400
    assert shown in html.unescape(refused.text)
    assert PIN not in refused.text
    with Store.open(config.history_db) as store:
        after = records.get(store, document.id)
    assert after is not None and len(after.signatures) == 1
    assert after.path.read_bytes() == signed_bytes
