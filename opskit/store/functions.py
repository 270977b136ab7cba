"""The few SQL functions the two engines spell differently, for the reports that need them.

The monthly recap computes its figures in SQL: a metric out of a result's
JSON list, a stored UTC time as the organisation's local day. SQLite says
``json_each`` and ``date(t, '28800 seconds')``; PostgreSQL says
``json_array_elements`` and an interval. A query takes its words from
``functions_for(store.engine)`` and stays one query for both. Each function
with a ``?`` takes the local-day modifier (``Period.local_day_modifier``)
as its parameter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Functions:
    """SQL fragments of one engine; ``m`` is a metric row joined by ``metric_rows``."""

    metric_rows: str
    metric_name: str
    metric_value: str
    local_time: str
    local_day_format: str
    local_day_of_month: str
    json_text_format: str
    distinct_list_format: str
    metric_format: str

    def local_day(self, column: str) -> str:
        """The local date (YYYY-MM-DD) of a stored time; one ``?``: the modifier."""
        return self.local_day_format.format(time=self.local_time.format(column=column))

    def day_of_month(self, column: str) -> str:
        """The local day of the month (1-31) of a stored time; one ``?``: the modifier."""
        return self.local_day_of_month.format(time=self.local_time.format(column=column))

    def metric(self, column: str) -> str:
        """One metric's value out of a result's JSON list (NULL without it); one ``?``: its
        name. A scalar, so a query can aggregate it beside counts of every result."""
        return self.metric_format.format(column=column)

    def json_text(self, column: str, key: str) -> str:
        """The text at ``key`` of a JSON object stored as text."""
        return self.json_text_format.format(column=column, key=key)

    def distinct_list(self, expression: str) -> str:
        """The distinct values of ``expression`` in a group, joined by commas."""
        return self.distinct_list_format.format(expression=expression)


SQLITE = Functions(
    metric_rows="json_each(r.metrics) m",
    metric_name="json_extract(m.value, '$.name')",
    metric_value="json_extract(m.value, '$.value')",
    local_time="{column}",
    local_day_format="date({time}, ?)",
    local_day_of_month="CAST(strftime('%d', {time}, ?) AS INTEGER)",
    json_text_format="json_extract({column}, '$.{key}')",
    distinct_list_format="group_concat(DISTINCT {expression})",
    metric_format=(
        "(SELECT json_extract(m.value, '$.value') FROM json_each({column}) m"
        " WHERE json_extract(m.value, '$.name') = ? LIMIT 1)"
    ),
)
POSTGRESQL = Functions(
    metric_rows="json_array_elements(CAST(r.metrics AS json)) m",
    metric_name="(m.value ->> 'name')",
    metric_value="CAST(m.value ->> 'value' AS double precision)",
    local_time="CAST({column} AS timestamptz) AT TIME ZONE 'UTC'",
    local_day_format="to_char({time} + CAST(? AS interval), 'YYYY-MM-DD')",
    local_day_of_month="CAST(EXTRACT(DAY FROM {time} + CAST(? AS interval)) AS INTEGER)",
    json_text_format="(CAST({column} AS json) ->> '{key}')",
    distinct_list_format="string_agg(DISTINCT {expression}, ',')",
    metric_format=(
        "(SELECT CAST(m.value ->> 'value' AS double precision)"
        " FROM json_array_elements(CAST({column} AS json)) m WHERE m.value ->> 'name' = ? LIMIT 1)"
    ),
)


def functions_for(engine: str) -> Functions:
    return POSTGRESQL if engine == "postgresql" else SQLITE
