"""``web.tls``: days left on every certificate served, hostname, chain trust, protocol.

Two handshakes: one that accepts anything, to read the full chain the
server sends (pyOpenSSL; the stdlib cannot return an unverified chain
before Python 3.13), and one that verifies against the trust store (the
system's, or ``web.ca_bundle``). So an expired or self-signed certificate
still shows its dates next to the reason verification failed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import struct
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.config.schema import Site
from opskit.result import Metric, Result, Status, grade_low, utc_now, worst
from opskit.web.domain import is_ip_address

CHECK_ID = "web.tls"
OLD_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1.1")


@dataclass(frozen=True)
class Certificate:
    """What matters of one certificate in the served chain."""

    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    self_signed: bool = False

    def to_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_left": round(days_left(self, now), 1),
            "names": [*self.dns_names, *self.ip_addresses],
            "self_signed": self.self_signed,
        }


@dataclass(frozen=True)
class TlsFacts:
    """The served chain, the negotiated protocol, and the verification outcome."""

    host: str
    port: int
    chain: tuple[Certificate, ...] = ()
    protocol: str | None = None
    verified: bool = False
    verify_error: str | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def probe(host: str, port: int, timeout_seconds: float, ca_bundle: str | None) -> TlsFacts:
    """Read the chain ``host:port`` serves and verify it; network failures come back as data."""
    from OpenSSL import SSL

    try:
        chain, protocol = read_chain(host, port, timeout_seconds)
    except (SSL.WantReadError, SSL.WantWriteError, TimeoutError):
        # The kernel's receive timeout ends a handshake the server never answers.
        return TlsFacts(
            host,
            port,
            error=f"no TLS handshake within {timeout_seconds:g} s "
            "(the server accepted the connection, then did not answer)",
        )
    except (OSError, ValueError) as error:
        return TlsFacts(host, port, error=f"TLS handshake failed: {_reason(error)}")
    except Exception as error:  # noqa: BLE001 - pyOpenSSL raises its own Error tree; any is a failed handshake
        return TlsFacts(host, port, error=f"TLS handshake failed: {_reason(error)}")
    verified, verify_error = verify(host, port, timeout_seconds, ca_bundle)
    return TlsFacts(
        host, port, chain=chain, protocol=protocol, verified=verified, verify_error=verify_error
    )


def read_chain(host: str, port: int, timeout_seconds: float) -> tuple[tuple[Certificate, ...], str]:
    """The certificates the server sends (leaf first) and the protocol it agreed to."""
    from OpenSSL import SSL

    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE, lambda *args: True)
    with socket.create_connection((host, port), timeout=timeout_seconds) as raw:
        # pyOpenSSL cannot handshake on a socket in timeout mode; kernel timeouts do the same job.
        raw.settimeout(None)
        limit = struct.pack("ll", int(timeout_seconds), int((timeout_seconds % 1) * 1e6))
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)
        connection = SSL.Connection(context, raw)
        if not is_ip_address(host):
            connection.set_tlsext_host_name(host.encode("idna"))
        connection.set_connect_state()
        connection.do_handshake()
        served = connection.get_peer_cert_chain(as_cryptography=True) or []
        protocol = connection.get_protocol_version_name()
        with contextlib.suppress(SSL.Error):  # the chain is read; a rude close changes nothing
            connection.shutdown()
    return tuple(describe(certificate) for certificate in served), protocol


def verify(
    host: str, port: int, timeout_seconds: float, ca_bundle: str | None
) -> tuple[bool, str | None]:
    """Whether a normal client trusts the chain for ``host`` (and why not)."""
    context = ssl.create_default_context(cafile=ca_bundle)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout_seconds) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            return True, None
    except ssl.SSLCertVerificationError as error:
        return False, error.verify_message or str(error)
    except (ssl.SSLError, OSError) as error:
        return False, _reason(error)


def describe(certificate: Any) -> Certificate:
    """The fields of a ``cryptography`` certificate that the evaluator needs."""
    from cryptography import x509

    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = tuple(names.get_values_for_type(x509.DNSName))
        ips = tuple(str(address) for address in names.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        dns_names, ips = (), ()
    subject = certificate.subject.rfc4514_string()
    issuer = certificate.issuer.rfc4514_string()
    return Certificate(
        subject=subject,
        issuer=issuer,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        dns_names=dns_names,
        ip_addresses=ips,
        self_signed=subject == issuer,
    )


def days_left(certificate: Certificate, now: datetime) -> float:
    return (certificate.not_after - now).total_seconds() / 86400


def hostname_matches(certificate: Certificate, host: str) -> bool:
    """RFC 6125 matching: exact names, or one leftmost ``*`` label; IPs only against IP SANs."""
    if is_ip_address(host):
        return ipaddress.ip_address(host) in {
            ipaddress.ip_address(item) for item in certificate.ip_addresses
        }
    wanted = host.lower().rstrip(".")
    for name in certificate.dns_names:
        pattern = name.lower().rstrip(".")
        if pattern == wanted:
            return True
        if pattern.startswith("*.") and "." in wanted and wanted.split(".", 1)[1] == pattern[2:]:
            return True
    return False


def plain_http(site: Site) -> Result:
    """A site served without TLS: logins and form data cross the network in clear text."""
    return Result(
        check_id=CHECK_ID,
        target=site.name,
        status=Status.WARNING,
        summary=f"served over plain HTTP ({site.url}); logins and forms are not encrypted",
        evidence={"url": site.url, "expected": "https:// with a valid certificate"},
        sop_row=sop_row(CHECK_ID),
    )


def evaluate(site: Site, facts: TlsFacts, now: datetime | None = None) -> Result:
    """The TLS result: the worst of expiry (every certificate), hostname, trust and protocol."""
    now = now or utc_now()
    target = site.name
    if facts.error or not facts.chain:
        return unknown(
            CHECK_ID,
            target,
            facts.error or "the server sent no certificate",
            host=facts.host,
            port=facts.port,
        )
    statuses = []
    notes = []
    soonest = min(facts.chain, key=lambda certificate: certificate.not_after)
    remaining = days_left(soonest, now)
    expiry = grade_low(remaining, site.tls_warning_days, site.tls_critical_days)
    statuses.append(expiry)
    position = facts.chain.index(soonest)
    which = (
        "certificate" if position == 0 else f"chain certificate {position + 1} ({soonest.issuer})"
    )
    if remaining < 0:
        notes.append(f"{which} EXPIRED {-remaining:.0f} days ago ({soonest.not_after:%Y-%m-%d})")
    else:
        notes.append(f"{which} expires in {remaining:.0f} days ({soonest.not_after:%Y-%m-%d})")
    leaf = facts.chain[0]
    matches = hostname_matches(leaf, facts.host)
    if not matches:
        statuses.append(Status.CRITICAL)
        names = ", ".join([*leaf.dns_names, *leaf.ip_addresses]) or leaf.subject
        notes.append(f"name {facts.host} not in certificate ({names})")
    if not facts.verified:
        statuses.append(Status.CRITICAL)
        notes.append(f"not trusted: {facts.verify_error}")
    if facts.protocol in OLD_PROTOCOLS:
        statuses.append(Status.WARNING)
        notes.append(f"old protocol {facts.protocol}")
    return Result(
        check_id=CHECK_ID,
        target=target,
        status=worst(statuses),
        summary="; ".join(notes) + (f"; {facts.protocol}" if facts.protocol else ""),
        evidence={
            "host": facts.host,
            "port": facts.port,
            "protocol": facts.protocol,
            "verified": facts.verified,
            "verify_error": facts.verify_error,
            "hostname_matches": matches,
            "chain": [certificate.to_dict(now) for certificate in facts.chain],
        },
        metrics=(
            Metric(
                "days_left", round(remaining, 1), "d", site.tls_warning_days, site.tls_critical_days
            ),
        ),
        sop_row=sop_row(CHECK_ID),
    )


def _reason(error: BaseException) -> str:
    text = str(error) or error.__class__.__name__
    return text if len(text) <= 300 else text[:300] + "..."
