"""A person's signing key, opened from their PKCS#12 file and its password file."""

from __future__ import annotations

from typing import Any

from opskit.config.schema import Person
from opskit.config.secrets import read_secret
from opskit.errors import OpskitError


class SigningError(OpskitError):
    """A document cannot be signed (no key, a key that does not open, a refused order)."""

    kind = "signing"


def signer_for(person: Person) -> Any:
    """A pyHanko signer for ``person``; SigningError naming the file when it does not open."""
    from pyhanko.sign import signers

    key = person.signing
    if key is None:
        raise SigningError(
            f"{person.name} has no signing key (people[].signing in the config)",
            code="no-signing-key",
        )
    password = read_secret(file=key.password_file, env=None, what=f"{person.name}'s signing key")
    try:
        signer = signers.SimpleSigner.load_pkcs12(
            str(key.pkcs12_file), passphrase=(password or "").encode()
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
