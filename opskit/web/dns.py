"""``web.dns``: expected records, agreeing authoritative servers, SPF and DMARC.

Queries go to the configured resolvers (``web.dns_resolvers``, ip or
ip:port) and to the domain's authoritative servers (``dns.authoritative``
of the site, else its NS records resolved). A timeout is UNKNOWN — "could
not ask" — never "record missing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from opskit.catalog import sop_row
from opskit.config.schema import DnsRecord, Site, WebSettings, split_address
from opskit.result import Result, Status, worst

CHECK_ID = "web.dns"

SPF_TERM = re.compile(
    r"^[+\-~?]?(all|include:\S+|a(:\S+)?(/\d+)?|mx(:\S+)?(/\d+)?|ptr(:\S+)?|"
    r"ip4:[\d.]+(/\d{1,2})?|ip6:[0-9a-f:.]+(/\d{1,3})?|exists:\S+)$|^(redirect|exp)=\S+$",
    re.IGNORECASE,
)
DMARC_POLICIES = ("none", "quarantine", "reject")


@dataclass(frozen=True)
class Answer:
    """One query's outcome: values, "no such record", or a failure to ask."""

    name: str
    type: str
    values: tuple[str, ...] = ()
    missing: bool = False
    error: str | None = None
    server: str | None = None
    serial: int | None = None
    authoritative: bool | None = None


@dataclass
class DnsFacts:
    """Everything asked about one domain."""

    domain: str
    records: list[tuple[DnsRecord, Answer]] = field(default_factory=list)
    nameservers: list[Answer] = field(default_factory=list)
    mx: Answer | None = None
    spf: Answer | None = None
    dmarc: Answer | None = None
    ns: Answer | None = None  # the NS question, when the servers were not configured


def resolver(settings: WebSettings) -> Any:
    """A dnspython resolver asking the configured resolvers (the system's when none)."""
    import dns.nameserver
    import dns.resolver

    if settings.dns_resolvers:
        found = dns.resolver.Resolver(configure=False)
        found.nameservers = [
            dns.nameserver.Do53Nameserver(*split_address(address, 53))
            for address in settings.dns_resolvers
        ]
    else:
        found = dns.resolver.Resolver()
    found.timeout = settings.dns_timeout_seconds
    found.lifetime = settings.dns_timeout_seconds
    found.retry_servfail = False
    return found


def ask(resolver_: Any, name: str, record_type: str) -> Answer:
    """Resolve ``name``/``record_type``; NXDOMAIN and no-answer are "missing", the rest errors."""
    import dns.exception
    import dns.resolver

    try:
        answer = resolver_.resolve(name, record_type, raise_on_no_answer=True)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return Answer(name, record_type, missing=True)
    except dns.resolver.LifetimeTimeout:
        return Answer(name, record_type, error="timed out (no answer from the resolvers)")
    except dns.resolver.NoNameservers as error:
        return Answer(name, record_type, error=f"no resolver could answer: {error}")
    except dns.exception.DNSException as error:
        return Answer(name, record_type, error=f"{error.__class__.__name__}: {error}")
    return Answer(name, record_type, values=tuple(_text(item, record_type) for item in answer))


def ask_authoritative(domain: str, address: str, timeout_seconds: float) -> Answer:
    """The SOA serial one authoritative server gives for ``domain``, and its AA flag."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype

    host, port = split_address(address, 53)
    request = dns.message.make_query(domain, dns.rdatatype.SOA)
    request.flags &= ~dns.flags.RD
    try:
        response = dns.query.udp(request, host, port=port, timeout=timeout_seconds)
    except dns.exception.Timeout:
        return Answer(domain, "SOA", server=address, error="timed out")
    except (OSError, dns.exception.DNSException) as error:
        return Answer(domain, "SOA", server=address, error=f"{error.__class__.__name__}: {error}")
    authoritative = bool(response.flags & dns.flags.AA)
    if response.rcode() != dns.rcode.NOERROR:
        return Answer(
            domain, "SOA", server=address, authoritative=authoritative,
            error=f"answered {dns.rcode.to_text(response.rcode())}",
        )  # fmt: skip
    for rrset in response.answer:
        if rrset.rdtype == dns.rdatatype.SOA:
            serial = int(next(iter(rrset)).serial)
            return Answer(domain, "SOA", server=address, serial=serial, authoritative=authoritative)
    return Answer(domain, "SOA", server=address, authoritative=authoritative, missing=True)


def gather(domain: str, site: Site, settings: WebSettings) -> DnsFacts:
    """Ask everything web.dns judges about ``domain``."""
    resolving = resolver(settings)
    facts = DnsFacts(domain)
    for record in site.dns.records:
        facts.records.append((record, ask(resolving, _full_name(record.name, domain), record.type)))
    addresses = list(site.dns.authoritative)
    if not addresses:
        names = facts.ns = ask(resolving, domain, "NS")
        if names.error:
            facts.nameservers.append(names)
        for server in names.values:
            for address in ask(resolving, server, "A").values:
                addresses.append(address)
    for address in addresses:
        facts.nameservers.append(ask_authoritative(domain, address, settings.dns_timeout_seconds))
    facts.mx = ask(resolving, domain, "MX")
    mail = site.dns.mail if site.dns.mail is not None else bool(facts.mx.values)
    if mail:
        facts.spf = ask(resolving, domain, "TXT")
        facts.dmarc = ask(resolving, f"_dmarc.{domain}", "TXT")
    return facts


def spf_problems(values: tuple[str, ...]) -> list[str]:
    """Why the TXT records do not hold one valid SPF policy (RFC 7208), or an empty list."""
    policies = [value for value in values if value.lower().startswith("v=spf1")]
    if not policies:
        return ["no SPF record (v=spf1)"]
    if len(policies) > 1:
        return [f"{len(policies)} SPF records; there must be exactly one"]
    terms = policies[0].split()[1:]
    found = [f"invalid SPF term {term!r}" for term in terms if not SPF_TERM.match(term)]
    if not any(
        term.lower().lstrip("+-~?") == "all" or term.startswith("redirect=") for term in terms
    ):
        found.append("SPF does not end with an 'all' mechanism or redirect")
    return found


def dmarc_problems(values: tuple[str, ...]) -> list[str]:
    """Why the _dmarc TXT records do not hold one valid DMARC policy (RFC 7489)."""
    policies = [value for value in values if value.replace(" ", "").lower().startswith("v=dmarc1")]
    if not policies:
        return ["no DMARC record (_dmarc TXT v=DMARC1)"]
    if len(policies) > 1:
        return [f"{len(policies)} DMARC records; there must be exactly one"]
    tags = dict(
        part.strip().split("=", 1) for part in policies[0].split(";") if "=" in part.strip()
    )
    tags = {key.strip().lower(): value.strip() for key, value in tags.items()}
    policy = tags.get("p", "").lower()
    if policy not in DMARC_POLICIES:
        return [f"DMARC policy p= must be one of {', '.join(DMARC_POLICIES)}"]
    if policy == "none":
        return [
            "DMARC policy is p=none: receivers are told to accept mail that fails SPF and DKIM, "
            "so anyone can send mail as this domain (use p=quarantine or p=reject)"
        ]
    return []


def evaluate(site: Site, facts: DnsFacts) -> Result:
    """One result for the domain: the worst of records, name servers, SPF and DMARC."""
    problems: list[str] = []
    unknowns: list[str] = []
    statuses: list[Status] = []
    checked = _judge_records(facts, problems, unknowns)
    if facts.ns is not None and facts.ns.missing:
        problems.append(
            f"{facts.domain} has no name servers: the domain does not exist in DNS "
            "(expired, or its delegation removed)"
        )
    statuses += [Status.CRITICAL] * bool(problems)
    serials = _judge_nameservers(facts, problems, unknowns, statuses)
    for label, answer, judge in (
        ("SPF", facts.spf, spf_problems),
        ("DMARC", facts.dmarc, dmarc_problems),
    ):
        if answer is None:
            continue
        if answer.error:
            unknowns.append(f"{label}: {answer.error}")
            continue
        found = judge(answer.values)
        problems += found
        statuses += [Status.WARNING] * bool(found)
    statuses += [Status.UNKNOWN] * bool(unknowns)
    summary_parts = problems + [f"could not ask: {item}" for item in unknowns]
    summary = "; ".join(summary_parts) or (
        f"{len(facts.records)} records as expected, {len(serials)} name servers agree"
        + (", SPF and DMARC valid" if facts.spf is not None else "")
    )
    return Result(
        check_id=CHECK_ID,
        target=facts.domain,
        status=worst(statuses),
        summary=summary,
        evidence={
            "domain": facts.domain,
            "records": checked,
            "nameservers": [_answer(answer) for answer in facts.nameservers],
            "mx": _answer(facts.mx) if facts.mx else None,
            "spf": _answer(facts.spf) if facts.spf else None,
            "dmarc": _answer(facts.dmarc) if facts.dmarc else None,
        },
        sop_row=sop_row(CHECK_ID),
    )


def _judge_records(
    facts: DnsFacts, problems: list[str], unknowns: list[str]
) -> list[dict[str, Any]]:
    checked = []
    for record, answer in facts.records:
        entry = _answer(answer)
        entry["expected"] = list(record.values)
        checked.append(entry)
        expected = ", ".join(record.values)
        if answer.error:
            unknowns.append(f"{answer.name} {answer.type}: {answer.error}")
        elif answer.missing:
            problems.append(f"{answer.name} {answer.type} missing (expected {expected})")
        elif not {_normal(value) for value in record.values} <= {
            _normal(value) for value in answer.values
        }:
            problems.append(
                f"{answer.name} {answer.type} is {', '.join(answer.values)} (expected {expected})"
            )
    return checked


def _judge_nameservers(
    facts: DnsFacts, problems: list[str], unknowns: list[str], statuses: list[Status]
) -> dict[str, int | None]:
    serials: dict[str, int | None] = {}
    for answer in facts.nameservers:
        if answer.server is None:
            unknowns.append(f"NS {answer.name}: {answer.error}")
        elif answer.error == "timed out":
            unknowns.append(f"name server {answer.server} timed out")
        elif answer.error or not answer.authoritative or answer.missing:
            reason = answer.error or f"not authoritative for {facts.domain}"
            problems.append(f"name server {answer.server} is lame ({reason})")
            statuses.append(Status.WARNING)
        else:
            serials[answer.server] = answer.serial
    if len(set(serials.values())) > 1:
        listed = ", ".join(f"{server}={serial}" for server, serial in serials.items())
        problems.append(f"name servers disagree on the SOA serial ({listed})")
        statuses.append(Status.WARNING)
    return serials


def _full_name(name: str, domain: str) -> str:
    if name in ("@", ""):
        return domain
    if name.endswith("."):
        return name.rstrip(".")
    return f"{name}.{domain}"


def _text(item: Any, record_type: str) -> str:
    if record_type == "TXT":
        return b"".join(item.strings).decode("utf-8", errors="replace")
    return str(item.to_text()).rstrip(".")


def _normal(value: str) -> str:
    return value.strip().rstrip(".").lower()


def _answer(answer: Answer) -> dict[str, Any]:
    return {
        key: value
        for key, value in {
            "name": answer.name,
            "type": answer.type,
            "values": list(answer.values),
            "missing": answer.missing,
            "error": answer.error,
            "server": answer.server,
            "serial": answer.serial,
            "authoritative": answer.authoritative,
        }.items()
        if value not in (None, [], False) or key in ("values", "missing")
    }
