"""An IT service request (SOP B): what was asked, by whom, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.procedures.definition import ASSIGNEE, REQUESTER
from opskit.procedures.engine import Record, Relations, identities
from opskit.text import Message

PROCEDURE = "service-request"


@dataclass(frozen=True)
class ServiceRequest:
    id: int
    number: str
    year: int
    sequence: int
    requester: str
    requester_login: str | None
    unit: str
    contact: str
    subject: str
    description: str
    category: str | None
    urgency: str | None
    impact: str | None
    priority: str | None
    assignee: str | None
    incident_id: int | None
    arrived_at: datetime
    created_at: datetime
    state: str
    entered_at: datetime
    entered_position: int
    updated_at: datetime
    records: tuple[Record, ...] = ()

    @property
    def label(self) -> Message:
        """How messages name it: ``request 7 (007/PLTI/XII/2026)``."""
        return Message("requests.label", id=self.id, number=self.number)

    @property
    def relations(self) -> Relations:
        return {
            REQUESTER: identities(self.requester, self.requester_login),
            ASSIGNEE: identities(self.assignee),
        }

    def last(self, step: str) -> Record | None:
        """The latest time ``step`` was taken."""
        return next((record for record in reversed(self.records) if record.step == step), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "requester": self.requester,
            "requester_login": self.requester_login,
            "unit": self.unit,
            "contact": self.contact,
            "subject": self.subject,
            "description": self.description,
            "category": self.category,
            "urgency": self.urgency,
            "impact": self.impact,
            "priority": self.priority,
            "assignee": self.assignee,
            "incident_id": self.incident_id,
            "arrived_at": self.arrived_at.isoformat(),
            "created_at": self.created_at.isoformat(),
            "state": self.state,
            "entered_at": self.entered_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "steps": [record.to_dict() for record in self.records],
        }
