"""An activated Camunda 8 job as the worker reads it: key, type, retries, variables, custom
headers; and Java-style ISO-8601 durations (`PT5M`, `P1DT2H`), the format of `retryBackoff`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

#: the job type of Camunda's REST connector (the standard "REST Outbound Connector" template)
REST_JOB_TYPE = "io.camunda:http-json:1"

#: what java.time.Duration.parse accepts: days, hours, minutes, seconds (fractions to 9 digits)
_DURATION = re.compile(
    r"(?P<sign>[-+]?)P(?:(?P<d>[-+]?\d+)D)?"
    r"(?:T(?:(?P<h>[-+]?\d+)H)?(?:(?P<m>[-+]?\d+)M)?(?:(?P<s>[-+]?\d+)(?:[.,](?P<f>\d{0,9}))?S)?)?",
    re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """`PT5S` -> 5 s.  Raises ValueError for anything Java's Duration.parse would refuse, and
    for a negative duration (a backoff cannot be negative)."""
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or text.strip().upper().endswith("T") or not any(
            match.group(g) for g in ("d", "h", "m", "s")):
        raise ValueError(f"expected an ISO-8601 duration such as PT5M, got {text!r}")
    seconds = (int(match.group("d") or 0) * 86400 + int(match.group("h") or 0) * 3600
               + int(match.group("m") or 0) * 60 + int(match.group("s") or 0))
    fraction = Decimal("0." + match.group("f")) if match.group("f") else Decimal(0)
    if (match.group("s") or "").startswith("-"):
        fraction = -fraction
    total = timedelta(seconds=seconds) + timedelta(seconds=float(fraction))
    if match.group("sign") == "-":
        total = -total
    if total < timedelta(0):
        raise ValueError(f"a duration must not be negative, got {text!r}")
    return total


def millis(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


@dataclass(frozen=True)
class Job:
    """One activated job (the fields of the REST API's ActivatedJobResult the worker uses)."""

    key: str
    type: str
    retries: int
    variables: dict[str, Any]
    headers: dict[str, str]
    deadline: int = 0
    process_instance_key: str | None = None
    element_id: str | None = None
    tenant_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Job":
        """From one item of `jobs` in the activation answer (numbers in variables as Decimal)."""
        headers = data.get("customHeaders") or {}
        return cls(key=str(data["jobKey"]), type=str(data["type"]), retries=int(data.get("retries") or 0),
                   variables=dict(data.get("variables") or {}),
                   headers={str(k): v if isinstance(v, str) else json.dumps(v) for k, v in headers.items()},
                   deadline=int(data.get("deadline") or 0),
                   process_instance_key=_text(data.get("processInstanceKey")),
                   element_id=_text(data.get("elementId")), tenant_id=_text(data.get("tenantId")),
                   raw=data)

    def header(self, name: str) -> str | None:
        """A custom header, None when absent or blank."""
        value = self.headers.get(name)
        return value if value is not None and value.strip() else None

    def describe(self) -> str:
        """For logs: never the variables (they may hold anything)."""
        return f"job {self.key} ({self.type}, element {self.element_id}, retries {self.retries})"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
