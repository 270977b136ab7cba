"""``opskit request ...``: register an IT service request, take its steps, list and show.

Both edges come here: the CLI with the person named by ``--by`` (edge
terminal), the console with the signed-in person. Who may take which step in
which state is the procedure's table (``checks/procedures/service-request.yaml``)
as the engine reads it; nothing here decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit import incidents
from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.helpdesk import attachments, records
from opskit.helpdesk.model import ServiceRequest
from opskit.helpdesk.records import NewRequest
from opskit.helpdesk.settings import request_settings
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.procedures import engine, timing
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure, procedure
from opskit.result import utc_now
from opskit.store import Store

# What `opskit request list --state` accepts besides a state's own name.
STATE_GROUPS = ("open", "closed", "rejected", "late", "all")


@dataclass(frozen=True)
class RequestView:
    """A request as people look at it: where it stands on the office clock, what came before,
    and which steps the person looking may take now."""

    request: ServiceRequest
    waiting: timing.Waiting | None
    took: list[timing.Took]
    possible: list[str]


def visible(config: Config, actor: Actor, request: ServiceRequest) -> bool:
    """Whether ``actor`` may see ``request``: every request for those whose work it is, one's
    own requests for everyone else."""
    from opskit.permissions import may
    from opskit.procedures.definition import REQUESTER

    mine = bool(engine.identities(actor.name, actor.login) & request.relations[REQUESTER])
    return mine or may(config, actor, "requests.view_all")


def procedure_for(config: Config) -> Procedure:
    return procedure(config, config.requests.procedure)


def view_of(
    config: Config,
    chosen: Procedure,
    request: ServiceRequest,
    now: datetime,
    actor: Actor | None = None,
) -> RequestView:
    clock = OfficeClock.of(config)
    possible = (
        engine.steps_open_to(config, chosen, request.state, actor, relations=request.relations)
        if actor is not None
        else []
    )
    return RequestView(
        request=request,
        waiting=timing.waiting(chosen, request.state, request.entered_at, clock, now),
        took=timing.took(chosen, request.records, clock, request.arrived_at),
        possible=possible,
    )


def new(
    context: AppContext,
    actor: Actor,
    form: NewRequest,
    *,
    attach: list[str] | None = None,
    uploads: list[attachments.Upload] | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Register a request (SOP B1); files from paths (terminal) or uploads (console)."""
    config = context.config
    files = [attachments.read_file(Path(path).expanduser(), config) for path in attach or []]
    created = records.create(
        context.store(),
        config,
        procedure_for(config),
        actor=actor,
        new=form,
        uploads=files + list(uploads or []),
        now=now or utc_now(),
    )
    return _outcome(
        context,
        "request new",
        created,
        now,
        [
            f"registered request {created.id} as {created.number}" + _edge_note(actor),
            f"next: opskit request dispose {created.id} --by NAME --to NAME --note TEXT",
        ],
    )


def take(
    context: AppContext,
    request_id: int,
    step: str,
    actor: Actor,
    *,
    note: str | None = None,
    values: dict[str, str] | None = None,
    attach: list[str] | None = None,
    uploads: list[attachments.Upload] | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Take one step of a request (dispose ... close, reject, reopen)."""
    config = context.config
    chosen = procedure_for(config)
    files = [attachments.read_file(Path(path).expanduser(), config) for path in attach or []]
    changed = records.take_step(
        context.store(),
        config,
        chosen,
        request_id,
        step=step,
        actor=actor,
        now=now or utc_now(),
        note=note,
        values=values,
        uploads=files + list(uploads or []),
    )
    title = chosen.steps[step].title.en
    state = chosen.states[changed.state].title.en.lower()
    messages = [f"request {changed.id}: '{title}' by {actor.name}{_edge_note(actor)}; now {state}"]
    following = chosen.due(changed.state)
    if following:
        messages.append(f"next: '{chosen.steps[following].title.en}' (opskit request {following})")
    return _outcome(context, f"request {step}", changed, now, messages)


def show(context: AppContext, request_id: int, now: datetime | None = None) -> Outcome:
    found = records.get(context.store(), request_id)
    return _outcome(context, "request show", found, now, [])


def listing(
    context: AppContext,
    *,
    state: str | None = None,
    waiting_for: Actor | None = None,
    limit: int = 200,
    now: datetime | None = None,
) -> Outcome:
    """Requests, newest first; ``state`` a state or open/closed/rejected/late/all."""
    config, now = context.config, now or utc_now()
    chosen = procedure_for(config)
    wanted = state or "open"
    if wanted not in STATE_GROUPS and wanted not in chosen.states:
        raise UsageError(
            f"--state {wanted!r}: choose {', '.join(STATE_GROUPS)} or a state: "
            + ", ".join(chosen.states)
        )
    views = [
        view_of(config, chosen, request, now, waiting_for)
        for request in records.listing(context.store(), limit=limit)
    ]
    views = [view for view in views if _in_group(chosen, view, wanted)]
    if waiting_for is not None:
        views = [view for view in views if view.possible]
    return Outcome(
        command="request list",
        data={"requests": [shown(config, chosen, view) for view in views]},
        view="requests",
    )


def inbox(config: Config, store: Store, actor: Actor, now: datetime) -> list[RequestView]:
    """The open requests waiting for a step ``actor`` may take, the longest waiting first."""
    chosen = procedure_for(config)
    open_states = [name for name, state in chosen.states.items() if not state.final]
    views = [
        view_of(config, chosen, request, now, actor)
        for request in records.listing(store, states=open_states)
    ]
    waiting = [view for view in views if view.possible]
    return sorted(waiting, key=lambda view: view.request.entered_at)


def from_incident(
    context: AppContext,
    incident_id: int,
    actor: Actor,
    *,
    requester: str | None = None,
    unit: str | None = None,
    contact: str | None = None,
    description: str | None = None,
    now: datetime | None = None,
) -> Outcome:
    """A request for work on a monitoring incident (by the provider), linked both ways."""
    from opskit.permissions import require

    config = context.config
    require(config, actor, "requests.from_incident")
    found = incidents.get(context.store(), incident_id)
    operator = config.people_with_role("operator")
    contact_default = operator[0].email or operator[0].phone if operator else None
    form = NewRequest(
        requester=requester or actor.name,
        unit=unit or "TI",
        contact=contact or contact_default or actor.name,
        subject=f"Insiden {found.id}: {found.check_id} ({found.target})"[:200],
        description=description or found.problem,
        requester_login=actor.login,
        incident_id=found.id,
    )
    outcome = new(context, actor, form, now=now)
    incidents.acknowledge(
        context.store(),
        found.id,
        actor,
        f"request {outcome.data['id']} ({outcome.data['number']}) registered for this incident",
        now or utc_now(),
        kind="note",
    )
    return outcome


def shown(config: Config, chosen: Procedure, view: RequestView) -> dict[str, Any]:
    """A request as data (JSON and the terminal), with English titles of states and steps."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(config.organisation.timezone)
    request = view.request
    data = request.to_dict()
    data["created_local"] = _local(request.created_at, zone)
    settings = request_settings(chosen)
    data["state_title"] = chosen.states[request.state].title.en
    data["category_title"] = (
        settings.categories[request.category].en
        if request.category in settings.categories
        else None
    )
    data["priority_title"] = (
        settings.priorities[request.priority].en
        if request.priority in settings.priorities
        else None
    )
    for item in data["steps"]:
        step = chosen.steps.get(item["step"])
        item["title"] = step.title.en if step else item["step"]
        item["sop"] = step.sop if step else None
        item["at_local"] = _local(datetime.fromisoformat(item["at"]), zone)
    data["waiting"] = None
    if view.waiting is not None:
        waiting = view.waiting.to_dict()
        waiting["title"] = chosen.steps[view.waiting.step].title.en
        waiting["due_local"] = _local(view.waiting.due, zone)
        waiting["sop"] = chosen.steps[view.waiting.step].sop
        waiting["holders"] = engine.holders(
            config, chosen, request.state, view.waiting.step, relations=request.relations
        )
        data["waiting"] = waiting
    data["timing"] = [took.to_dict() for took in view.took]
    data["possible"] = view.possible
    return data


def _local(moment: datetime, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _in_group(chosen: Procedure, view: RequestView, wanted: str) -> bool:
    state = view.request.state
    final = chosen.states[state].final
    return {
        "all": True,
        "open": not final,
        "closed": state == "closed",
        "rejected": state == "rejected",
        "late": view.waiting is not None and view.waiting.late,
    }.get(wanted, state == wanted)


def _outcome(
    context: AppContext,
    command: str,
    request: ServiceRequest,
    now: datetime | None,
    messages: list[str],
) -> Outcome:
    config = context.config
    chosen = procedure_for(config)
    view = view_of(config, chosen, request, now or utc_now())
    return Outcome(
        command=command, data=shown(config, chosen, view), view="request", messages=messages
    )


def _edge_note(actor: Actor) -> str:
    """Said when a step came from the terminal, where nothing proves who typed it."""
    return " (from the terminal, not a signed-in person)" if actor.edge == "terminal" else ""
