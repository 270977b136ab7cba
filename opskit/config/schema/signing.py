"""``signing:`` and ``people[].signing``: electronic signatures on documents (PAdES)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from opskit.config.schema.common import ConfigPath, HttpUrl, SecretFile, Section


class SignerKey(Section):
    """A person's signing key: a PKCS#12 file, or a key on a PKCS#11 token (a smart card, a
    USB token, an HSM), with the file holding its password or PIN."""

    pkcs12_file: SecretFile | None = Field(
        None,
        description="PKCS#12 (.p12/.pfx) file with the person's key and certificate (mode 0600), "
        "issued by the government's certification authority or the office's own.",
    )
    pkcs11_module: ConfigPath | None = Field(
        None,
        description="Instead of pkcs12_file: the token's PKCS#11 library, e.g. "
        "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so or /usr/lib/softhsm/libsofthsm2.so.",
    )
    token_label: str | None = Field(
        None, description="With pkcs11_module: the label of the token holding the key."
    )
    key_label: str | None = Field(
        None,
        description="With pkcs11_module: the label of the key and of its certificate on the token.",
    )
    password_file: SecretFile = Field(
        description="0600 file holding the PKCS#12 password, or the token's user PIN."
    )

    @model_validator(mode="after")
    def _one_kind_of_key(self) -> Self:
        if (self.pkcs12_file is None) == (self.pkcs11_module is None):
            raise ValueError("give either pkcs12_file or pkcs11_module (a token), not both")
        if self.pkcs11_module is not None and not (self.token_label and self.key_label):
            raise ValueError("a key on a token needs token_label and key_label")
        if self.pkcs11_module is None and (self.token_label or self.key_label):
            raise ValueError("token_label and key_label are for a key on a token (pkcs11_module)")
        return self


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
