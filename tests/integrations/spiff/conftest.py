"""Fixtures for the SpiffWorkflow tests: the process files, an engine, a workflow runner.

Every process runs through SpiffWorkflow's own parser and engine (`FeelBpmnParser` is Spiff's
parser with feelish's service tasks and DMN) against the local servers of tests/conftest.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from feelish.integrations.spiff import FeelishEngine

HERE = Path(__file__).parent
PROCESSES = HERE / "processes"
TEMPLATES = HERE / "templates"
SECRET = "s3cr3t-Token-value-91"


@pytest.fixture
def waits() -> list[float]:
    """The backoff waits the engine asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def engine(waits):
    with FeelishEngine(secrets={"API_TOKEN": SECRET}, template_dirs=[TEMPLATES],
                       sleep=waits.append) as made:
        yield made


def load(engine: FeelishEngine, *files: str):
    """A parser holding the named files of processes/ (BPMN and DMN)."""
    parser = engine.parser()
    parser.add_bpmn_files([str(PROCESSES / f) for f in files if f.endswith(".bpmn")])
    parser.add_dmn_files([str(PROCESSES / f) for f in files if f.endswith(".dmn")])
    return parser


def finished(workflow) -> list[str]:
    """The BPMN ids of the tasks that completed, in order."""
    return [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id]


def state_of(workflow, bpmn_id: str) -> str:
    (task,) = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == bpmn_id]
    return TaskState.get_name(task.state)
