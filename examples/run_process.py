"""Run the example BPMN process (examples/bpmn/trip.bpmn + outfit.dmn) on SpiffWorkflow.

    pip install -e '.[spiff]' && python3 examples/run_process.py

Starts examples/api_server.py on a free loopback port and runs the process "Pack for a trip" for
four cities: each asks the weather connector, a FEEL decision table picks what to pack, a FEEL
gateway decides whether to order it (an OAuth2-protected call whose client secret comes from
examples/secrets.env, never from the process data), and an unknown city ends in the error
boundary event.  Halfway through one trip the workflow is saved to JSON and resumed.  Exits
non-zero if a trip does not end where expected.  Open the .bpmn and .dmn files in any BPMN
modeler (bpmn.io, Camunda Modeler, spiff-arena) to see the diagram.
"""
from __future__ import annotations

import sys
from pathlib import Path

from SpiffWorkflow.util.task import TaskState

EXAMPLES = Path(__file__).resolve().parent
sys.path.insert(0, str(EXAMPLES))

from api_server import RunningApi  # noqa: E402

from feelish import DotenvSecrets  # noqa: E402
from feelish.integrations.spiff import FeelishEngine  # noqa: E402

TRIPS = [  # (city, travellers, the end event expected)
    ("Lisbon", 2, "Ordered"),
    ("Berlin", 1, "Ordered"),
    ("Paris", 3, "Packed"),
    ("Atlantis", 1, "Cancelled"),
]


def ended_at(workflow) -> str:
    ends = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id in ("Ordered", "Packed", "Cancelled")]
    return ends[-1] if ends else "(not finished)"


def describe(data: dict) -> str:
    if "problem" in data:
        return f"{data['problem']['code']}: {data['problem']['message']}"
    text = f"{data['weather']['summary']} -> pack {data['item']}"
    if "order" in data:
        text += f", ordered as #{data['order']['orderId']} ({data['order']['orderStatus']})"
    return text


def main() -> int:
    failures = 0
    with RunningApi() as api, FeelishEngine(secrets=DotenvSecrets(EXAMPLES / "secrets.env"),
                                            template_dirs=[EXAMPLES / "templates"]) as engine:
        parser = engine.parser()
        parser.add_bpmn_file(str(EXAMPLES / "bpmn" / "trip.bpmn"))
        parser.add_dmn_file(str(EXAMPLES / "bpmn" / "outfit.dmn"))
        print(f"example API on {api.url}")
        for number, (city, travellers, expected) in enumerate(TRIPS):
            workflow = engine.workflow(parser, "trip", data={
                "apiBase": api.url, "trip": {"city": city, "travellers": travellers}})
            if number == 0:  # save before the first step and resume from the JSON text
                saved = engine.dumps(workflow)
                workflow = engine.loads(saved)
                print(f"(saved the {city} trip as {len(saved)} characters of JSON and resumed it)")
            workflow.do_engine_steps()
            end = ended_at(workflow)
            data = workflow.last_task.data
            mark = "ok" if workflow.completed and end == expected else f"EXPECTED {expected}"
            failures += mark != "ok"
            print(f"{city:9} -> {end:9} [{mark}] {describe(data)}")
        print(f"OAuth2 token requests: {api.app.token_requests} (one token, cached by the engine's runtime)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
