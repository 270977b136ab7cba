"""Who acts: a person of ``people[]``, through which edge, from where.

The console passes the signed-in person; the terminal passes the name given
with ``--by``/``--reviewer``/``--approver``, recorded as coming from the
terminal, where nothing proves who typed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from opskit.config.schema import Config, Person

Edge = Literal["console", "terminal", "scheduler"]


@dataclass(frozen=True)
class Actor:
    """The one who asks for an action; ``roles`` are the SOP roles the config gives them."""

    name: str
    roles: frozenset[str]
    edge: Edge
    login: str | None = None
    address: str | None = None
    position: str | None = None
    nip: str | None = None

    @classmethod
    def of(cls, person: Person, edge: Edge, address: str | None = None) -> Actor:
        return cls(
            name=person.name,
            roles=frozenset(person.roles),
            edge=edge,
            login=person.login,
            address=address,
            position=person.position,
            nip=person.nip,
        )

    @property
    def signed_in(self) -> bool:
        return self.edge == "console"


def terminal_actor(config: Config, name: str) -> Actor:
    """The person called ``name`` in people[] (any case and spacing), at the terminal.

    Someone outside people[] (the provider's technician acknowledging an
    incident) is an actor without roles.
    """
    wanted = " ".join(name.split()).casefold()
    for person in config.people:
        if " ".join(person.name.split()).casefold() == wanted:
            return Actor.of(person, "terminal")
    return Actor(name=" ".join(name.split()), roles=frozenset(), edge="terminal")


def console_actor(config: Config, login: str, address: str | None) -> Actor | None:
    """The signed-in person with ``login``, or None when the config no longer names them."""
    person = config.person_with_login(login)
    return Actor.of(person, "console", address) if person else None
