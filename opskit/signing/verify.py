"""Checking every signature of a PDF: intact, trusted, valid when made, nothing changed after.

pyHanko reads and validates the signatures; the validation time of each
certificate is the signature's own time (its trusted timestamp when there is
one), so a certificate that has expired since still proves what it signed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit.errors import OpskitError


@dataclass(frozen=True)
class SignatureCheck:
    """What was found about one signature, in the order they were made."""

    number: int
    field_name: str
    signer: str
    signed_at: datetime | None
    timestamped_at: datetime | None
    intact: bool
    trusted: bool
    valid_then: bool
    covers_whole_file: bool
    only_signatures_after: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "field": self.field_name,
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamped_at": self.timestamped_at.isoformat() if self.timestamped_at else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "valid_then": self.valid_then,
            "covers_whole_file": self.covers_whole_file,
            "only_signatures_after": self.only_signatures_after,
            "problems": self.problems,
        }


def load_roots(paths: list[Path]) -> list[Any]:
    """The trusted authorities' certificates; OpskitError naming a file that is not one."""
    from pyhanko.keys import load_cert_from_pemder

    roots = []
    for path in paths:
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except (OSError, ValueError) as error:
            raise OpskitError(
                f"{path}: not a certificate (PEM or DER) to trust ({error.__class__.__name__})"
            ) from None
    return roots


def check_pdf(data: bytes, roots: list[Any]) -> list[SignatureCheck]:
    """Every signature in ``data``; raises OpskitError when it is not a readable PDF."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise OpskitError(f"not a PDF that can be read ({error.__class__.__name__})") from None
    return [_check(number, signature, roots) for number, signature in enumerate(signatures, 1)]


def _check(number: int, signature: Any, roots: list[Any]) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    claimed = signature.self_reported_timestamp
    stamp = None
    moment = claimed

    def validate(moment: datetime | None) -> Any:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, moment=moment, best_signature_time=moment
        )
        return validate_pdf_signature(signature, context)

    problems: list[str] = []
    try:
        status = validate(claimed)
        stamp = _timestamp(status)
        if stamp is not None and stamp != claimed:
            # A trusted timestamp, not the signer's own clock, says when it was signed.
            moment = stamp
            status = validate(moment)
        intact, trusted = bool(status.intact and status.valid), bool(status.trusted)
        coverage = status.coverage
        modification = str(getattr(status.modification_level, "name", ""))
        signer = _signer_name(status.signing_cert)
        valid_then = not _expired_or_early(status.signing_cert, moment)
    except (SignatureValidationError, ValueError) as error:
        problems.append(f"the signature cannot be validated: {error}")
        intact = trusted = valid_then = False
        coverage, modification, signer = None, "", _signer_name(signature.signer_cert)
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE
    only_signatures = coverage == SignatureCoverageLevel.ENTIRE_REVISION and modification in (
        "NONE",
        "LTA_UPDATES",
        "FORM_FILLING",
    )
    if not intact:
        problems.append("broken")
    if not trusted:
        problems.append("untrusted")
    if not valid_then:
        problems.append("invalid_then")
    if not whole and not only_signatures:
        problems.append("modified")
    return SignatureCheck(
        number=number,
        field_name=str(signature.field_name),
        signer=signer,
        signed_at=claimed,
        timestamped_at=stamp,
        intact=intact,
        trusted=trusted,
        valid_then=valid_then,
        covers_whole_file=whole,
        only_signatures_after=only_signatures,
        problems=problems,
    )


def _timestamp(status: Any) -> datetime | None:
    """The trusted time of a signature's timestamp token, when it has one."""
    validity = getattr(status, "timestamp_validity", None)
    moment = getattr(validity, "timestamp", None)
    return moment if isinstance(moment, datetime) else None


def _signer_name(certificate: Any) -> str:
    try:
        return str(
            certificate.subject.native.get("common_name") or certificate.subject.human_friendly
        )
    except (AttributeError, ValueError):
        return "?"


def _expired_or_early(certificate: Any, moment: datetime | None) -> bool:
    if moment is None:
        return True
    validity = certificate["tbs_certificate"]["validity"]
    return not validity["not_before"].native <= moment <= validity["not_after"].native
