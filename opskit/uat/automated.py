"""Carrying out automated UAT steps with the website checks' and hosts' own machinery.

Requests go through ``opskit.web.fetch`` (timeouts, bounded bodies, the
configured CA bundle), certificates through ``opskit.web.tls``, links
through ``opskit.web.links``, commands through the ``uat`` playbook on an
inventory host. Judging what came back is a pure function of that data.
An application that does not answer fails its step; ``error`` is kept for
what stops opskit itself from testing (an unreachable or untrusted host).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from opskit.config.schema import Config, Site
from opskit.errors import OpskitError
from opskit.result import Status, utc_now
from opskit.text import Message
from opskit.uat.checklist import (
    CommandStep,
    Expectations,
    FormStep,
    HttpStep,
    LinksStep,
    Step,
    TlsStep,
)
from opskit.uat.model import StepOutcomeName, StepRecord
from opskit.web.fetch import Page

logger = logging.getLogger(__name__)

EXCERPT_CHARACTERS = 300
SITE_NAME = "uat"
Judgement = tuple[StepOutcomeName, str, dict[str, Any]]


@dataclass(frozen=True)
class Surroundings:
    """What automated steps need besides the step: config, the target, resolved form secrets."""

    config: Config
    target: str | None
    form_secrets: dict[int, dict[str, str]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """A step's path under the target, or the step's own full URL."""
        if urlsplit(path).scheme:
            return path
        if self.target is None:
            raise OpskitError(f"the step's path {path!r} needs a target URL (--target)")
        return urljoin(self.target, path)

    def timeout(self, seconds: float | None) -> float:
        return seconds or self.config.uat.timeout_seconds

    @property
    def verify(self) -> bool | str:
        bundle = self.config.web.ca_bundle
        return str(bundle) if bundle else True


def perform(step: Step, position: int, step_id: str, where: Surroundings) -> StepRecord:
    """Carry out one automated step; whatever goes wrong is recorded, never raised."""
    started_at, started = utc_now(), time.monotonic()
    runners: dict[str, Callable[[Any, int, Surroundings], Judgement]] = {
        "http": _http,
        "form": _form,
        "tls": _tls,
        "links": _links,
        "command": _command,
    }
    try:
        outcome, summary, evidence = runners[step.kind](step.check, position, where)
    except OpskitError as error:
        outcome, summary, evidence = "error", error.message, {"details": error.details}
    except Exception as error:  # noqa: BLE001 - one step's bug must not lose the rest of the run
        logger.debug("UAT step %s failed", step_id, exc_info=True)
        failure = Message("uat_step.failed", kind=error.__class__.__name__, detail=str(error))
        outcome, summary, evidence = "error", failure, {}
    return StepRecord(
        position=position,
        step_id=step_id,
        title=step.title,
        kind=step.kind,
        required=step.required,
        definition=step.check.model_dump(mode="json"),
        outcome=outcome,
        summary=summary,
        at=started_at,
        evidence=evidence,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
    )


def judge_page(expected: Expectations, page: Page) -> Judgement:
    """Whether an HTTP answer is what the step expects, with the evidence to show for it."""
    evidence: dict[str, Any] = {
        "url": page.url,
        "status": page.status,
        "final_url": page.final_url,
        "redirects": list(page.redirects),
        "elapsed_ms": page.elapsed_ms,
        "expected_status": list(expected.status),
        "excerpt": excerpt(page),
    }
    if page.status is None:
        evidence["error"] = page.error
        return "failed", Message("uat_step.no_answer", url=page.url, error=page.error), evidence
    problems: list[str] = []
    if page.status not in expected.status:
        problems.append(
            Message("uat_step.status", status=page.status, expected=list(expected.status))
        )
    text = page.text
    problems += [
        Message("uat_step.missing_text", text=phrase)
        for phrase in expected.contains
        if phrase not in text
    ]
    problems += [
        Message("uat_step.unwanted_text", text=phrase)
        for phrase in expected.absent
        if phrase in text
    ]
    if expected.max_ms is not None and page.elapsed_ms > expected.max_ms:
        problems.append(Message("uat_step.slow", ms=page.elapsed_ms, limit=expected.max_ms))
    if page.error:
        problems.append(page.error)
    if problems:
        return "failed", Message("uat_step.problems", problems=problems), evidence
    return (
        "passed",
        Message("uat_step.passed_http", status=page.status, ms=page.elapsed_ms),
        evidence,
    )


def excerpt(page: Page) -> str:
    """The start of what a person would read on the page (text of HTML, else the body)."""
    kind = page.header("content-type")
    if kind and not kind.startswith(("text/", "application/json", "application/xml")):
        return Message("uat_step.bytes", count=len(page.body), kind=kind)
    text = page.text
    if "html" in kind or text.lstrip().startswith("<"):
        from opskit.web.content import soup

        document = soup(text)
        for tag in document(("script", "style")):
            tag.decompose()
        text = document.get_text(" ")
    return " ".join(text.split())[:EXCERPT_CHARACTERS]


def judge_command(expected: CommandStep, answer: dict[str, Any]) -> Judgement:
    """Whether a command's exit code and output are what the step expects."""
    evidence = {**answer, "expected_exit_code": expected.exit_code}
    if answer.get("timed_out"):
        timeout = Message("uat_step.command_timeout", seconds=float(expected.timeout_seconds))
        return "failed", timeout, evidence
    output = f"{answer.get('stdout', '')}\n{answer.get('stderr', '')}"
    problems: list[str] = []
    if answer.get("exit_code") != expected.exit_code:
        problems.append(
            Message("uat_step.exit_code", code=answer.get("exit_code"), expected=expected.exit_code)
        )
    problems += [
        Message("uat_step.missing_text", text=phrase)
        for phrase in expected.contains
        if phrase not in output
    ]
    problems += [
        Message("uat_step.unwanted_text", text=phrase)
        for phrase in expected.absent
        if phrase in output
    ]
    if problems:
        return "failed", Message("uat_step.problems", problems=problems), evidence
    return "passed", Message("uat_step.passed_command", code=answer.get("exit_code")), evidence


def _get(where: Surroundings, url: str, expected: Expectations, **options: Any) -> Page:
    from opskit.web.fetch import fetch

    return fetch(
        url,
        timeout_seconds=where.timeout(expected.timeout_seconds),
        user_agent=where.config.web.browser_user_agent,
        verify=where.verify,
        follow_redirects=expected.follow_redirects,
        **options,
    )


def _http(check: HttpStep, position: int, where: Surroundings) -> Judgement:
    page = _get(where, where.url(check.path), check, method=check.method)
    return judge_page(check, page)


def _form(check: FormStep, position: int, where: Surroundings) -> Judgement:
    secrets = where.form_secrets.get(position, {})
    fields = {**check.fields, **secrets}
    page = _get(where, where.url(check.path), check, method=check.method, data=fields)
    outcome, summary, evidence = judge_page(check, page)
    evidence["method"] = check.method
    evidence["fields"] = {
        name: "***" if name in secrets else value for name, value in fields.items()
    }
    return outcome, summary, evidence


def _tls(check: TlsStep, position: int, where: Surroundings) -> Judgement:
    from opskit.web import tls

    url = where.url(check.path)
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "failed", Message("uat_step.not_https", url=url), {"url": url}
    bundle = where.config.web.ca_bundle
    facts = tls.probe(
        parts.hostname or "",
        parts.port or 443,
        where.timeout(check.timeout_seconds),
        str(bundle) if bundle else None,
    )
    site = Site(name=SITE_NAME, url=url, tls_warning_days=check.min_days,
                tls_critical_days=check.min_days)  # fmt: skip
    result = tls.evaluate(site, facts)
    return ("passed" if result.status is Status.OK else "failed"), result.summary, result.evidence


def _links(check: LinksStep, position: int, where: Surroundings) -> Judgement:
    from opskit.web import links
    from opskit.web.runner import getter

    url = where.url(check.path)
    site = Site(
        name=SITE_NAME,
        url=url,
        links_max=check.max_links,
        timeout_seconds=where.timeout(check.timeout_seconds),
    )
    get = getter(site, where.config.web)
    result = links.check(site, [get(url)], get)
    evidence = {"url": url, **result.evidence}
    return ("passed" if result.status is Status.OK else "failed"), result.summary, evidence


def _command(check: CommandStep, position: int, where: Surroundings) -> Judgement:
    from opskit.errors import HostError
    from opskit.hosts.runner import known_hosts, run_on_hosts, select_hosts
    from opskit.playbooks.uat import run_command

    [host] = select_hosts(where.config, [check.host])
    answers = run_on_hosts(
        [host],
        lambda connection, _host: run_command(connection, check.argv, check.timeout_seconds),
        trusted=known_hosts(where.config),
        jobs=1,
    )
    answer = answers[host.name]
    if isinstance(answer, HostError):
        return "error", answer.message, {"host": host.name, "details": answer.details}
    outcome, summary, evidence = judge_command(check, answer)
    return outcome, summary, {"host": host.name, **evidence}
