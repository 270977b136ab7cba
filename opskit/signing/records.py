"""Signed documents and their signatures in the store (signatures are never changed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit.store import Store, from_text, to_text


@dataclass(frozen=True)
class Signature:
    position: int
    role: str
    signer: str
    login: str | None
    nip: str | None
    title: str | None
    edge: str
    signed_at: datetime
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "role": self.role,
            "signer": self.signer,
            "nip": self.nip,
            "title": self.title,
            "signed_at": self.signed_at.isoformat(),
        }


@dataclass(frozen=True)
class SignedDocument:
    document_id: int
    path: Path
    verify_code: str
    sha256: str
    needed: int
    created_at: datetime
    signatures: list[Signature] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return len(self.signatures) >= self.needed


def get(store: Store, document_id: int) -> SignedDocument | None:
    rows = store.read("SELECT * FROM signed_documents WHERE document_id = ?", (document_id,))
    return _signed(store, rows[0]) if rows else None


def by_code(store: Store, code: str) -> SignedDocument | None:
    rows = store.read("SELECT * FROM signed_documents WHERE verify_code = ?", (code,))
    return _signed(store, rows[0]) if rows else None


def add_signature(
    connection: Any,
    *,
    document_id: int,
    first: tuple[Path, str, int] | None,
    signature: Signature,
    now: datetime,
) -> None:
    """Record one signature (and the signed document on the first) in the caller's transaction.

    ``first`` is (path, verification code, signatures needed) for the first signature.
    """
    if first is not None:
        path, code, needed = first
        connection.execute(
            "INSERT INTO signed_documents (document_id, path, verify_code, sha256, needed,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (document_id, str(path), code, signature.sha256, needed, to_text(now)),
        )
    else:
        connection.execute(
            "UPDATE signed_documents SET sha256 = ? WHERE document_id = ?",
            (signature.sha256, document_id),
        )
    connection.execute(
        "INSERT INTO document_signatures (document_id, position, role, signer, login, nip,"
        " title, edge, signed_at, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            document_id,
            signature.position,
            signature.role,
            signature.signer,
            signature.login,
            signature.nip,
            signature.title,
            signature.edge,
            to_text(signature.signed_at),
            signature.sha256,
        ),
    )


def _signed(store: Store, row: Any) -> SignedDocument:
    signatures = [
        Signature(
            position=item["position"],
            role=item["role"],
            signer=item["signer"],
            login=item["login"],
            nip=item["nip"],
            title=item["title"],
            edge=item["edge"],
            signed_at=from_text(item["signed_at"]),  # type: ignore[arg-type]
            sha256=item["sha256"],
        )
        for item in store.read(
            "SELECT * FROM document_signatures WHERE document_id = ? ORDER BY position",
            (row["document_id"],),
        )
    ]
    return SignedDocument(
        document_id=row["document_id"],
        path=Path(row["path"]),
        verify_code=row["verify_code"],
        sha256=row["sha256"],
        needed=row["needed"],
        created_at=from_text(row["created_at"]),  # type: ignore[arg-type]
        signatures=signatures,
    )
