"""A PKCS#11 token made by the tests: SoftHSM2 (Debian's ``softhsm2``) with its tokens in a
temporary directory, holding a signer's key and certificate as a smart card would.

SoftHSM reads ``SOFTHSM2_CONF`` once, when a process first loads it, so the token is made
(``softhsm2-util``, and a child Python for the certificate) before the test process loads
the module, and the variable stays set for the rest of the session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from support.system import require

MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
)

ADD_CERTIFICATE = """
import sys
from pathlib import Path
import pkcs11
from pkcs11 import Attribute, CertificateType, ObjectClass
from cryptography import x509
from cryptography.hazmat.primitives import serialization

module, token_label, pin, label, path = sys.argv[1:6]
certificate = x509.load_der_x509_certificate(Path(path).read_bytes())
token = pkcs11.lib(module).get_token(token_label=token_label)
with token.open(rw=True, user_pin=pin) as session:
    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True,
        Attribute.LABEL: label,
        Attribute.ID: b"\\x01",
        Attribute.SUBJECT: certificate.subject.public_bytes(),
        Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
    })
"""


def module_path() -> str:
    for candidate in MODULES:
        if Path(candidate).is_file():
            return candidate
    return require("libsofthsm2.so", "softhsm2")


class SoftToken:
    """One initialised token; ``add`` puts a key and its certificate on it under a label."""

    def __init__(self, directory: Path, label: str, pin: str) -> None:
        self.util = require("softhsm2-util", "softhsm2")
        self.module = module_path()
        self.label, self.pin = label, pin
        tokens = directory / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        self.conf = directory / "softhsm2.conf"
        self.conf.write_text(
            f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        )
        os.environ["SOFTHSM2_CONF"] = str(self.conf)
        self.directory = directory
        self._run(
            self.util, "--init-token", "--free", "--label", label,
            "--pin", pin, "--so-pin", "so-" + pin,
        )  # fmt: skip

    def add(
        self, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate, label: str
    ) -> None:
        """The key (as PKCS#8) and its certificate, both labelled ``label`` with id 01."""
        key_file = self.directory / f"{label}.key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        certificate_file = self.directory / f"{label}.cer"
        certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
        try:
            self._run(
                self.util, "--import", str(key_file), "--token", self.label,
                "--label", label, "--id", "01", "--pin", self.pin,
            )  # fmt: skip
        finally:
            key_file.unlink()  # the key lives on the token only, as on a card
        self._run(
            sys.executable, "-c", ADD_CERTIFICATE,
            self.module, self.label, self.pin, label, str(certificate_file),
        )  # fmt: skip

    def _run(self, *command: str) -> None:
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            timeout=60,
            env={**os.environ, "SOFTHSM2_CONF": str(self.conf)},
        )
