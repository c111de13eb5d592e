"""`FeelishEngine`: the one object an application keeps to run FEEL processes on SpiffWorkflow."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

import feelish

from .connectors import ConnectorRunner
from .parser import FeelBpmnParser
from .script_engine import FeelScriptEngine
from .serializer import workflow_serializer
from .templates import TemplateLibrary
from .values import storable


class FeelishEngine:
    """One runtime, one script engine, one serializer for all FEEL workflows of an application.

    runtime:    a `feelish.Runtime` to share (not closed by `close()`); by default one is built
                from `secrets` and closed with the engine.
    templates:  connector templates by name (a path or a `feelish.Template`), for `feelish/<name>`.
    template_dirs: folders searched for `<name>.feelish`; built-in connectors come last.
    max_retry_delay / max_attempts: bounds on service-task retries; `sleep` waits between them.
    """

    def __init__(self, *, runtime: feelish.Runtime | None = None, secrets: Any = None,
                 templates: Mapping[str, Any] | None = None,
                 template_dirs: Iterable[str | os.PathLike] = (), max_retry_delay: float = 60.0,
                 max_attempts: int = 20, sleep: Callable[[float], None] = time.sleep):
        if runtime is not None and secrets is not None:
            raise ValueError("give either a runtime or secrets (the runtime has its own)")
        self._owns_runtime = runtime is None
        self.runtime = runtime if runtime is not None else feelish.Runtime(secrets=secrets)
        self.templates = TemplateLibrary(templates, template_dirs)
        runner = ConnectorRunner(self.runtime, self.templates, sleep=sleep,
                                 max_delay=max_retry_delay, max_attempts=max_attempts)
        self.script_engine = FeelScriptEngine(runner)
        self.serializer = workflow_serializer()

    @staticmethod
    def parser() -> FeelBpmnParser:
        """A fresh parser: add BPMN and DMN files to it, then ask for specs."""
        return FeelBpmnParser()

    def workflow(self, parser: FeelBpmnParser, process_id: str,
                 data: Mapping[str, Any] | None = None) -> BpmnWorkflow:
        """A new workflow of `process_id`, its start task holding `data` (FEEL or JSON values)."""
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id)
        workflow = BpmnWorkflow(spec, subprocesses, script_engine=self.script_engine)
        if data:
            start = workflow.get_tasks(end_at_spec="Start")[0]
            start.data.update({k: storable(v, k) for k, v in data.items()})
        return workflow

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow as JSON text (FEEL values included, without loss)."""
        return self.serializer.serialize_json(workflow)

    def loads(self, text: str) -> BpmnWorkflow:
        """A workflow restored from `dumps`, attached to this engine's script engine."""
        workflow = self.serializer.deserialize_json(text)
        workflow.script_engine = self.script_engine
        return workflow

    def close(self) -> None:
        if self._owns_runtime:
            self.runtime.close()

    def __enter__(self) -> "FeelishEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
