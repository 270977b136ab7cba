"""Which parts of a notification URL are taken for tokens, and that they are masked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from opskit.masking import forget_secrets, mask, register_url, url_tokens


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize(
    ("url", "tokens"),
    [
        (
            "tgram://987654:PlainBotTok-SECRET9/-100200300",
            {"987654:PlainBotTok-SECRET9", "PlainBotTok-SECRET9"},
        ),
        ("discord://4711/DiscordTok-SECRET12", {"DiscordTok-SECRET12"}),
        (
            "slack://T1234ABCD/B5678EFGH/abcdEFGH1234ijkl",
            {"T1234ABCD", "B5678EFGH", "abcdEFGH1234ijkl"},
        ),
        ("json://127.0.0.1:8080/hook?token=plainTOKEN-6&format=html", {"plainTOKEN-6"}),
        (
            "mailtos://ops:Pass-word-2026@smtp.example.go.id?from=ops2026@example.go.id",
            {"Pass-word-2026"},
        ),
        ("mailto://127.0.0.1:2525?from=opskit@example.test", set()),
        ("json://localhost:9/hooks/incoming", set()),
    ],
)
def test_tokens_are_found_where_each_service_puts_them(url: str, tokens: set[str]) -> None:
    assert url_tokens(url) == tokens


def test_a_registered_url_masks_its_token_also_inside_a_derived_url() -> None:
    register_url("json://127.0.0.1:9/tg/BOTTOKEN-SECRET2")

    derived = "JSON POST URL: http://127.0.0.1:9/tg/BOTTOKEN-SECRET2 (cert_verify=True)"

    assert mask(derived) == "JSON POST URL: http://127.0.0.1:9/tg/*** (cert_verify=True)"
    assert mask("from opskit@example.test to 127.0.0.1") == "from opskit@example.test to 127.0.0.1"
