"""``signing:`` and ``people[].signing``: electronic signatures on documents (PAdES)."""

from __future__ import annotations

from pydantic import Field

from opskit.config.schema.common import ConfigPath, HttpUrl, SecretFile, Section


class SignerKey(Section):
    """A person's signing key: a PKCS#12 file and the file holding its password."""

    pkcs12_file: SecretFile = Field(
        description="PKCS#12 (.p12/.pfx) file with the person's key and certificate (mode 0600), "
        "issued by the government's certification authority or the office's own.",
    )
    password_file: SecretFile = Field(description="0600 file holding the PKCS#12 password.")


class Signing(Section):
    """How documents are signed and how signatures are checked."""

    trust_roots: list[ConfigPath] = Field(
        default_factory=list,
        description="Certificates (PEM or DER) of the authorities whose signatures `opskit "
        "verify` and the console trust, e.g. the government CA's root and the office's own.",
    )
    timestamp_url: HttpUrl | None = Field(
        None,
        description="RFC 3161 timestamp authority; each signature then carries a trusted time.",
    )
    archive_dir: ConfigPath | None = Field(
        None,
        description="Where signed documents are kept (default: <state_dir>/archive/signed); "
        "put it in a backup set.",
    )
