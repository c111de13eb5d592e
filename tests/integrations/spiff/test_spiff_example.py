"""examples/run_process.py runs the example BPMN process against the example API and succeeds."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[3]
BPMN = ROOT / "examples" / "bpmn" / "trip.bpmn"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def test_run_the_example_process():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "run_process.py")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Lisbon    -> Ordered   [ok] Lisbon: 23.5°C, sunny -> pack sunscreen" in out
    assert "Berlin    -> Ordered   [ok]" in out and "pack umbrella" in out
    assert "Paris     -> Packed    [ok]" in out
    assert "Atlantis  -> Cancelled [ok] UNKNOWN_CITY: no weather for Atlantis" in out
    assert "OAuth2 token requests: 1" in out
    assert "example-secret" not in out


@pytest.mark.parametrize("path", [BPMN, *sorted((ROOT / "tests" / "integrations" / "spiff" /
                                                 "processes").glob("*.bpmn"))], ids=lambda p: p.name)
def test_every_diagram_draws_every_flow_node_and_flow(path):
    """What a modeler needs: one DI shape per flow node, one edge per sequence flow (the files
    are also validated against the BPMN schema by FeelBpmnParser whenever a test parses them)."""
    root = etree.parse(str(path)).getroot()
    process = root.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
    elements = {el.get("id") for el in process if isinstance(el.tag, str) and el.get("id")}
    flows = {el.get("id") for el in process if isinstance(el.tag, str) and el.tag.endswith("sequenceFlow")}
    shapes = {el.get("bpmnElement") for el in root.iter(f"{DI}BPMNShape")}
    edges = {el.get("bpmnElement") for el in root.iter(f"{DI}BPMNEdge")}
    assert shapes == elements - flows
    assert edges == flows
    for edge in root.iter(f"{DI}BPMNEdge"):
        assert len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2
