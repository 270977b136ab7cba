"""Reading the moments admins type (``7d``, ``2026-11-01``) as aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_moment(text: str, now: datetime, zone: tzinfo) -> datetime:
    """``30m``/``24h``/``7d``/``2w`` ago, or an ISO date/time (in ``zone`` unless it has a zone).

    Raises ValueError with an example of what is accepted.
    """
    text = text.strip()
    relative = re.fullmatch(r"(\d+)\s*([mhdw])", text)
    try:
        if relative:
            amount, unit = int(relative.group(1)), relative.group(2)
            return now - timedelta(**{UNITS[unit]: amount})
        moment = datetime.fromisoformat(text)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
        moment.astimezone(UTC)  # history is kept in UTC: a moment must have a UTC time too
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time; use e.g. 7d, 24h, 2026-11-01 or 2026-11-01T08:00"
        ) from None
    except OverflowError:
        raise ValueError(
            f"{text!r} is too far back or ahead: dates go from year 1 to 9999 (in UTC); "
            "use e.g. 7d, 24h, 2026-11-01 or 2026-11-01T08:00"
        ) from None
    return moment
