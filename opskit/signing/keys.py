"""A person's signing key: opened from their PKCS#12 file, or found on their PKCS#11 token
(a smart card, a USB token, an HSM: the key never leaves it), with the password or PIN read
from its 0600 file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opskit.config.schema import Person, SignerKey
from opskit.config.secrets import read_secret
from opskit.errors import OpskitError


class SigningError(OpskitError):
    """A document cannot be signed (no key, a key that does not open, a refused order)."""

    kind = "signing"


@contextmanager
def opened_signer(person: Person) -> Iterator[Any]:
    """A pyHanko signer for ``person`` while the block runs (a token's session is closed after
    it); SigningError naming the file or the token when the key does not open."""
    key = person.signing
    if key is None:
        raise SigningError(
            f"{person.name} has no signing key (people[].signing in the config)",
            code="no-signing-key",
        )
    secret = read_secret(file=key.password_file, env=None, what=f"{person.name}'s signing key")
    if key.pkcs11_module is not None:
        with _token_signer(person, key, secret or "") as signer:
            yield signer
        return
    yield _file_signer(person, key, secret or "")


def _file_signer(person: Person, key: SignerKey, password: str) -> Any:
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(
            str(key.pkcs12_file), passphrase=password.encode()
        )
    except (OSError, ValueError) as error:
        raise SigningError(
            f"{key.pkcs12_file}: cannot open {person.name}'s signing key "
            f"({error.__class__.__name__}); is {key.password_file} its password?",
            code="signing-key-does-not-open",
        ) from None
    if signer is None:
        raise SigningError(
            f"{key.pkcs12_file}: the password in {key.password_file} does not open "
            f"{person.name}'s signing key",
            code="signing-key-does-not-open",
        )
    return signer


@contextmanager
def _token_signer(person: Person, key: SignerKey, pin: str) -> Iterator[Any]:
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    where = f"token {key.token_label!r} ({key.pkcs11_module})"
    try:
        session = open_pkcs11_session(
            str(key.pkcs11_module),
            token_criteria=TokenCriteria(label=key.token_label),
            user_pin=pin,
        )
    except pkcs11.PinIncorrect:
        raise SigningError(
            f"{where}: the PIN in {key.password_file} does not open {person.name}'s token",
            code="signing-key-does-not-open",
        ) from None
    except pkcs11.PinLocked:
        raise SigningError(
            f"{where}: the token's PIN is locked; unlock it with its security officer PIN",
            code="signing-key-does-not-open",
        ) from None
    except (pkcs11.PKCS11Error, OSError, RuntimeError) as error:
        reason = str(error) or error.__class__.__name__
        raise SigningError(
            f"{where}: cannot open {person.name}'s token ({reason}); is it plugged in?",
            code="signing-token-unavailable",
        ) from None
    try:
        yield _key_on(session, key, where)
    finally:
        session.close()


def _key_on(session: Any, key: SignerKey, where: str) -> Any:
    """The signer for the key and certificate labelled ``key.key_label`` on the token."""
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    try:
        # The hash is computed here and the token signs it raw (CKM_RSA_PKCS, CKM_ECDSA):
        # the mechanisms every card and HSM offers, unlike hash-and-sign ones.
        signer = PKCS11Signer(
            session, cert_label=key.key_label, key_label=key.key_label, use_raw_mechanism=True
        )
        signer.signing_cert  # noqa: B018 - found now, so a missing one is said here
    except (pkcs11.PKCS11Error, OSError, ValueError) as error:
        reason = str(error) or error.__class__.__name__
        raise SigningError(
            f"{where}: no key and certificate labelled {key.key_label!r} ({reason})",
            code="signing-token-unavailable",
        ) from None
    return signer
