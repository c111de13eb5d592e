"""Builds the benchmark's feelish connectors through the public API, and reads their outputs.

Kept in one place so the HTTP and token benchmarks follow the runtime's API as it evolves.
Returns ``(connector, None)`` or ``(None, reason)`` when the runtime is not usable yet.
"""
from __future__ import annotations

from typing import Any

#: the response mapping, the same three fields the raw httpx2 baseline picks by hand
RESULT = ("{id: response.body.data.id, firstTag: response.body.data.tags[1], "
          "city: response.body.data.owner.address.city}")


def _outputs(result: Any) -> Any:
    """The output variables of a run, whatever shape the runtime returns them in."""
    for attr in ("outputs", "variables", "output"):
        if hasattr(result, attr):
            return getattr(result, attr)
    if isinstance(result, tuple):
        return result[0]
    return result


class _Wrapped:
    def __init__(self, connector, runtime):
        self.connector, self.runtime = connector, runtime

    def run(self, variables: dict) -> Any:
        return _outputs(self.connector.run(variables))

    async def run_async(self, variables: dict) -> Any:
        return _outputs(await self.connector.run_async(variables))


def _build(fields: dict, inputs: list[str], **runtime_kw):
    try:
        import feelish
        runtime = feelish.Runtime(**runtime_kw)
        conn = feelish.Connector.from_mapping(fields, inputs=inputs, runtime=runtime)
    except Exception as exc:  # the runtime is being built by another engineer
        return None, f"{exc.__class__.__name__}: {str(exc)[:160]}"
    return _Wrapped(conn, runtime), None


def order_connector(base: str, authentication: str | None = None, **runtime_kw):
    """`runtime_kw` go to feelish.Runtime (e.g. transport="httpx2" for httpx2's own transport)."""
    fields = {
        "method": '"GET"',
        "url": f'"{base}/orders/" + string(orderId)',
        "queryParameters": "{page: page, limit: 50}",
        "resultExpression": RESULT,
    }
    if authentication:
        fields["authentication"] = authentication
    return _build(fields, ["orderId", "page"], **runtime_kw)


def close(conn: _Wrapped) -> None:
    for obj in (conn.runtime, conn.connector):
        fn = getattr(obj, "close", None)
        if callable(fn):
            try:
                fn()
            except Exception:
                pass
