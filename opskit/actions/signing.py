"""Signing documents in turn, checking signed files, and the public verification data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import ConfigError, NotFoundError, OpskitError
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.permissions import require
from opskit.reports import written
from opskit.result import Status, utc_now
from opskit.signing import apply, records
from opskit.signing.verify import check_pdf, load_roots
from opskit.store import Store


def sign_document(context: AppContext, document_id: int, actor: Actor) -> Outcome:
    """Add ``actor``'s signature to a document when it is their turn."""
    require(context.config, actor, "documents.sign")
    path = apply.sign(context.config, context.store(), document_id, actor, utc_now())
    signed = records.get(context.store(), document_id)
    return Outcome(
        command="documents sign",
        data={"document": document_id, "path": str(path), "signatures": len(signed.signatures)}
        if signed
        else None,
        messages=[f"document {document_id} signed by {actor.name}"],
    )


def signing_state(config: Config, store: Store, document: written.Written) -> dict[str, Any]:
    """For a document: how many signatures it has and needs, and whose turn is next."""
    signed = records.get(store, document.id)
    turn = apply.next_turn(config, store, document)
    return {
        "signatures": [signature.to_dict() for signature in signed.signatures] if signed else [],
        "needed": turn.needed if turn else (signed.needed if signed else 0),
        "next_role": turn.role if turn else None,
        "signed_path": str(signed.path) if signed else None,
        "verify_code": signed.verify_code if signed else None,
    }


def verification(store: Store, code: str) -> dict[str, Any]:
    """What the public may know of a signed document: number, title, signers, times, hash."""
    signed = records.by_code(store, code)
    document = written.get(store, signed.document_id) if signed else None
    if signed is None or document is None:
        raise NotFoundError("no signed document with this code")
    return {
        "number": document.number,
        "title": document.title,
        "kind": document.kind,
        "sha256": signed.sha256,
        "complete": signed.complete,
        "needed": signed.needed,
        "signatures": [
            {
                "signer": signature.signer,
                "nip": signature.nip,
                "title": signature.title,
                "signed_at": signature.signed_at.isoformat(),
            }
            for signature in signed.signatures
        ],
    }


def verify_file(context: AppContext, file: str, trust: list[str]) -> Outcome:
    """Check every signature of ``file`` against the trusted authorities."""
    path = Path(file).expanduser()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OpskitError(f"cannot read {path}: {error.strerror or error}") from None
    roots = load_roots([Path(item).expanduser() for item in trust] + _config_roots(context))
    try:
        checks = check_pdf(data, roots)
    except OpskitError as error:
        raise OpskitError(f"{path}: {error.message}") from None
    problems = sum(1 for check in checks if not check.ok)
    status = Status.CRITICAL if problems or not checks else Status.OK
    return Outcome(
        command="verify",
        data={
            "file": str(path),
            "valid": bool(checks) and not problems,
            "trusted_roots": len(roots),
            "signatures": [check.to_dict() for check in checks],
            "language": _language(context),
            "timezone": _timezone(context),
        },
        view="signatures",
        status=status,
    )


def _config_roots(context: AppContext) -> list[Path]:
    try:
        return list(context.config.signing.trust_roots)
    except ConfigError:
        return []  # no config here: only the --trust certificates count


def _language(context: AppContext) -> str:
    try:
        return context.config.organisation.language
    except ConfigError:
        return "id"


def _timezone(context: AppContext) -> str:
    try:
        return context.config.organisation.timezone
    except ConfigError:
        return "Asia/Makassar"
