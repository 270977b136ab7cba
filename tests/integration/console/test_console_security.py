"""What protects the console: cookies, headers, TLS, refusing clear text, throttling,
one-time codes, sessions that end, passwords that never leave the terminal."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests

from opskit import accounts, audit
from opskit.config.schema import Config
from opskit.console.server import Background, Listen
from opskit.store import Store
from support.console import NOW, PASSWORD, Browserless, console_for, seed
from support.web import CertificateFactory


def test_the_session_cookie_is_http_only_and_same_site_and_secure_over_https(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, _ = seeded
    plain, secure = Browserless(config), Browserless(config, https=True)

    plain_cookie = plain.sign_in("budi").headers["set-cookie"]
    secure_cookie = secure.sign_in("budi").headers["set-cookie"]

    assert "HttpOnly" in plain_cookie and "SameSite=lax" in plain_cookie
    assert "Secure" not in plain_cookie
    assert "Secure" in secure_cookie
    assert "strict-transport-security" in secure.client.get("/dashboard").headers
    assert "strict-transport-security" not in plain.client.get("/dashboard").headers


def test_every_page_carries_the_security_headers(seeded: tuple[Config, dict[str, int]]) -> None:
    config, _ = seeded
    with console_for(config, "siti") as console:
        for path in ("/signin", "/dashboard", "/status", "/no-such-page"):
            headers = console.client.get(path).headers
            policy = headers["content-security-policy"]
            assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, path
            assert "frame-ancestors 'none'" in policy, path
            assert headers["x-content-type-options"] == "nosniff", path
        assert console.client.get("/dashboard").headers["cache-control"] == "no-store"


def test_signin_without_a_token_is_refused_and_a_foreign_next_is_ignored(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, _ = seeded
    with console_for(config) as console:
        bare = console.client.post("/signin", data={"login": "budi", "password": PASSWORD})
        token = console.token()
        away = console.client.post(
            "/signin",
            data={
                "login": "budi",
                "password": PASSWORD,
                "csrftoken": token,
                "next": "//evil.example/",
            },
        )

    assert bare.status_code == 403
    assert away.status_code == 303 and away.headers["location"] == "/dashboard"


def test_signing_out_everywhere_ends_every_session_of_that_person(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, _ = seeded
    with console_for(config, "ahmad") as phone, console_for(config, "ahmad") as desk:
        assert desk.client.get("/dashboard").status_code == 200
        ended = phone.post("/signout/everywhere")

        assert ended.status_code == 303
        assert desk.client.get("/dashboard").headers["location"].startswith("/signin")


def test_sessions_end_after_the_idle_time_and_the_lifetime(tmp_path: Path) -> None:
    with Store.open(tmp_path / "history.sqlite") as store:
        accounts.set_password(store, "budi", PASSWORD, NOW)
        token = accounts.open_session(store, "budi", NOW, "127.0.0.1", "test")
        limits = {"idle": timedelta(minutes=30), "lifetime": timedelta(hours=12)}

        assert accounts.session_login(store, token, NOW + timedelta(minutes=29), **limits) == "budi"
        assert accounts.session_login(store, token, NOW + timedelta(minutes=58), **limits) == "budi"
        assert accounts.session_login(store, token, NOW + timedelta(minutes=89), **limits) is None

        token = accounts.open_session(store, "budi", NOW, "127.0.0.1", "test")
        for minutes in range(20, 12 * 60, 20):
            assert accounts.session_login(store, token, NOW + timedelta(minutes=minutes), **limits)
        assert (
            accounts.session_login(store, token, NOW + timedelta(hours=12, minutes=1), **limits)
            is None
        )


def test_the_store_holds_hashes_never_a_password_or_a_session_token(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, _ = seeded
    with console_for(config, "budi") as console:
        raw_cookie = console.client.cookies["opskit_session"]
    token = raw_cookie.rsplit(".", 2)[0]
    stored = b"".join(
        path.read_bytes() for path in config.history_db.parent.glob(config.history_db.name + "*")
    )

    assert PASSWORD.encode() not in stored
    assert token.encode() not in stored
    rows = sqlite3.connect(config.history_db).execute("SELECT password_hash FROM accounts")
    assert all(row[0].startswith("$argon2id$") for row in rows)


def test_a_one_time_code_is_asked_where_the_role_requires_it(
    court_config: Callable[..., Config],
) -> None:
    config = court_config(console={"totp_roles": ["ketua"]})
    seed(config)
    with console_for(config) as console:
        refused = console.sign_in("ahmad")
        assert refused.status_code == 403
        assert "opskit users totp ahmad" in refused.text

        uri = accounts.enrol_totp(config.state_dir, "ahmad")
        seed_text = (config.state_dir / "console" / "totp" / "ahmad").read_text()
        asked = console.sign_in("ahmad")
        pending = asked.text.split('name="pending" value="')[1].split('"')[0]
        wrong = console.client.post(
            "/signin/code",
            data={"pending": pending, "code": "000000", "csrftoken": console.token()},
        )
        right = console.client.post(
            "/signin/code",
            data={
                "pending": pending,
                "code": pyotp.TOTP(seed_text).now(),
                "csrftoken": console.token(),
            },
        )

    assert uri.startswith("otpauth://totp/")
    assert asked.status_code == 200 and "Kode sekali pakai" in asked.text
    assert wrong.status_code == 401 and "opskit_session" not in wrong.headers.get("set-cookie", "")
    assert right.status_code == 303 and right.headers["location"] == "/dashboard"
    seed_file = config.state_dir / "console" / "totp" / "ahmad"
    assert seed_file.stat().st_mode & 0o777 == 0o600
    assert seed_text.encode() not in config.history_db.read_bytes()


def test_serving_off_loopback_without_tls_is_refused(
    court_config: Callable[..., Config], cli: Any
) -> None:
    config = court_config()

    everywhere = "0.0.0.0"  # noqa: S104 - the address the console must refuse without TLS
    refused = cli("-c", config.source, "serve", "--address", everywhere, "--port", "1")

    assert refused.exit_code == 3
    assert "only loopback may go without TLS" in refused.stderr
    assert "--behind-proxy" in refused.stderr
    assert Listen.choose(config, address=everywhere, behind_proxy=True).behind_proxy


def test_the_console_serves_over_tls_with_the_given_certificate(
    seeded: tuple[Config, dict[str, int]], tmp_path: Path
) -> None:
    config, _ = seeded
    certificates = CertificateFactory(tmp_path / "certs")
    cert, key = certificates.issue("console", "127.0.0.1")
    key.chmod(0o600)
    listen = Listen.choose(
        config, address="127.0.0.1", port=0, tls_cert=str(cert), tls_key=str(key)
    )
    console = Background(config, listen).start()
    try:
        answer = requests.get(
            f"https://127.0.0.1:{console.port}/signin", verify=str(certificates.ca_file), timeout=10
        )
    finally:
        console.stop()

    assert answer.status_code == 200
    assert "max-age=31536000" in answer.headers["strict-transport-security"]


def test_users_passwd_reads_the_password_from_stdin_never_the_command_line(
    court_config: Callable[..., Config],
) -> None:
    config = court_config()
    secret = "Sandi-Rahasia-Sekali-99"
    process = subprocess.run(
        [sys.executable, "-m", "opskit", "-c", str(config.source), "users", "passwd", "siti"],
        input=secret + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    weak = subprocess.run(
        [sys.executable, "-m", "opskit", "-c", str(config.source), "users", "passwd", "siti"],
        input="pendek\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert process.returncode == 0, process.stderr
    assert "Siti Aminah (siti) can now sign in" in process.stdout
    assert secret not in process.stdout + process.stderr
    assert weak.returncode == 3 and "at least 10 characters" in weak.stderr
    with Store.open(config.history_db) as store:
        assert accounts.check_password(store, "siti", secret)
    assert secret.encode() not in config.history_db.read_bytes()


def test_users_for_a_login_nobody_has_is_a_clear_error(
    court_config: Callable[..., Config], cli: Any
) -> None:
    config = court_config()

    missing = cli("-c", config.source, "users", "disable", "tidakada")
    json_seed = cli("-c", config.source, "users", "totp", "ahmad", "--format", "json")

    assert missing.exit_code == 3
    assert "no person in people[] has login 'tidakada'" in missing.stderr
    assert json_seed.exit_code == 3 and "shown only to a person" in json_seed.stderr


def test_a_disabled_person_cannot_sign_in_and_loses_their_sessions(
    seeded: tuple[Config, dict[str, int]], cli: Any
) -> None:
    config, _ = seeded
    with console_for(config, "dewi") as console:
        assert console.client.get("/dashboard").status_code == 200
        assert cli("-c", config.source, "users", "disable", "dewi").exit_code == 0

        assert console.client.get("/dashboard").status_code == 303
        assert console.sign_in("dewi").status_code == 401
        assert cli("-c", config.source, "users", "enable", "dewi").exit_code == 0
        assert console.sign_in("dewi").status_code == 303


@pytest.mark.parametrize("login", ["budi", "nobody"])
def test_throttling_counts_per_account_and_stops_even_the_right_password(
    court_config: Callable[..., Config], login: str
) -> None:
    config = court_config(console={"signin_failures_per_account": 2})
    seed(config)
    with console_for(config) as console:
        for _ in range(2):
            assert console.sign_in(login, "salah-salah-salah").status_code == 401
        blocked = console.sign_in(login)

    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.text


@pytest.mark.parametrize(
    ("trusted", "recorded"), [(["127.0.0.1"], "203.0.113.9"), (["192.0.2.1"], "127.0.0.1")]
)
def test_behind_a_proxy_only_the_trusted_proxy_names_the_client(
    court_config: Callable[..., Config], trusted: list[str], recorded: str
) -> None:
    config = court_config(console={"trusted_proxies": trusted})
    seed(config)
    console = Background(config, Listen.choose(config, port=0, behind_proxy=True)).start()
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    try:
        session = requests.Session()
        page = session.get(console.url + "signin", headers=forwarded, timeout=10)
        token = page.text.split('name="csrftoken" value="')[1].split('"')[0]
        answer = session.post(
            console.url + "signin",
            data={"login": "siti", "password": PASSWORD, "csrftoken": token},
            headers={**forwarded, "Cookie": f"csrftoken={page.cookies['csrftoken']}"},
            allow_redirects=False,
            timeout=10,
        )
    finally:
        console.stop()

    assert answer.status_code == 303, answer.text
    assert "Secure" in answer.headers["set-cookie"]
    with Store.open(config.history_db) as store:
        signin = next(entry for entry in audit.listing(store) if entry.action == "session.signin")
    assert signin.address == recorded


def test_throttling_counts_per_address_across_accounts(
    court_config: Callable[..., Config],
) -> None:
    config = court_config(
        console={"signin_failures_per_account": 50, "signin_failures_per_address": 3}
    )
    seed(config)
    with console_for(config) as console:
        for login in ("budi", "siti", "dewi"):
            assert console.sign_in(login, "salah-salah-salah").status_code == 401
        blocked = console.sign_in("ahmad")

    assert blocked.status_code == 429
