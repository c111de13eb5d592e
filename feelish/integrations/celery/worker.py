"""A worker process's state: one `feelish.Runtime`, made in the process itself (after the fork),
and the connectors it compiled, by spec (a template name or path, template text, or a field
mapping); the connector's retry fields drive Celery's retries instead of in-process ones."""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import feelish
from feelish.connector import FIELD_DEFAULTS, Connector, Literal
from feelish.connector.fields import Field
from feelish.connector.retry import IDEMPOTENT, RetryPolicy
from feelish.templates import bind_inputs, loads, to_mapping

#: the fields that decide Celery's retries (evaluated only when a call failed)
RETRY_FIELDS = ("method", "retries", "retryBackoff", "retryMaxDelay", "retryNonIdempotent")


@dataclass
class Compiled:
    """A connector compiled once per worker process, with what its retries need."""

    connector: Connector
    template: feelish.Template | None
    retry_fields: dict[str, Field]

    def scope(self, variables: Mapping[str, Any], provider) -> dict[str, Any]:
        if self.template is not None:
            return bind_inputs(self.template, variables, secrets=provider)
        inputs = self.connector.inputs
        return dict(variables) if inputs is None else {k: variables[k] for k in inputs if k in variables}

    def retry_policy(self, scope: Mapping[str, Any], provider, default_retries: int) -> tuple[RetryPolicy, bool]:
        """(policy, whether the method may be sent again) from the connector's retry fields."""
        values = {name: FIELD_DEFAULTS[name] for name in RETRY_FIELDS}
        values["retries"] = default_retries
        for name, field in self.retry_fields.items():
            values[name] = field.value({**scope, "context": {}}, provider)
        policy = RetryPolicy.from_fields(values["retries"], values["retryBackoff"], None,
                                         values["retryMaxDelay"], values["retryNonIdempotent"])
        method = str(values["method"] or "GET").upper()
        return policy, policy.non_idempotent or method in IDEMPOTENT


def spec_key(spec: Any) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def compile_spec(spec: Any, runtime: feelish.Runtime) -> Compiled:
    """Build the connector a spec names (raises TemplateError / ConnectorError / ValueError)."""
    template = None
    if isinstance(spec, str):
        spec = {"template": spec}
    if not isinstance(spec, Mapping):
        raise ValueError("connector: expected a template name or path, or an object with "
                         "'template', 'source' or 'mapping'")
    if "template" in spec:
        template = feelish.load_template(spec["template"])
    elif "source" in spec:
        template = loads(spec["source"], origin=spec.get("name") or "<task>", name=spec.get("name"))
    if template is not None:
        mapping, inputs, name = to_mapping(template), list(template.inputs), template.name
    elif isinstance(spec.get("mapping"), Mapping):
        mapping, inputs, name = dict(spec["mapping"]), spec.get("inputs"), spec.get("name")
    else:
        raise ValueError("connector: an object needs 'template', 'source' or 'mapping'")
    retry_fields = {n: Field(n, mapping[n], feelish.compile) for n in RETRY_FIELDS if n in mapping}
    mapping["retries"] = Literal(0)
    connector = Connector.from_mapping(mapping, inputs=inputs, runtime=runtime, name=name)
    return Compiled(connector, template, retry_fields)


class WorkerState:
    """The per-process runtime and connector cache (recreated in a forked child)."""

    def __init__(self, factory: Callable[[], feelish.Runtime], max_connectors: int = 256):
        self.factory = factory
        self.max_connectors = max_connectors
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._runtime: feelish.Runtime | None = None
        self._compiled: OrderedDict[str, Compiled] = OrderedDict()

    def runtime(self) -> feelish.Runtime:
        if self._pid != os.getpid() or self._runtime is None:
            with self._lock:
                if self._pid != os.getpid() or self._runtime is None:
                    # a runtime inherited through fork shares sockets with the parent: start anew
                    self._compiled.clear()
                    self._runtime = self.factory()
                    self._pid = os.getpid()
        return self._runtime

    def compiled(self, spec: Any) -> Compiled:
        runtime = self.runtime()
        key = spec_key(spec)
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
                return found
        found = compile_spec(spec, runtime)
        with self._lock:
            self._compiled[key] = found
            while len(self._compiled) > self.max_connectors:
                self._compiled.popitem(last=False)
        return found

    def close(self) -> None:
        with self._lock:
            runtime, self._runtime, self._pid = self._runtime, None, None
            self._compiled.clear()
        if runtime is not None:
            runtime.close()
