"""The SHACL shapes, driven by data files (pySHACL-style).

tests/shapes/conforms/*.ttl must conform; tests/shapes/violates/<Component>--<why>.ttl must give a
result of that constraint component whose message contains the `# expect:` fragment of its first line,
with the severity of an optional `# severity:` line (Violation by default).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

from il2kg import resources
from il2kg.validate import Report, format_report, load_shapes, validate

HERE = Path(__file__).parent / "shapes"
CONFORMS = sorted((HERE / "conforms").glob("*.ttl"))
VIOLATES = sorted((HERE / "violates").glob("*.ttl"))
SHAPE_FILES = resources.shape_files()
_HEADER = re.compile(r"^# (expect|severity): (.+)$")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()



@pytest.fixture(scope="module")
def check(shapes: Graph, ontology: Graph) -> Callable[[Path], Report]:
    """Validate a case file once per module run; later calls reuse the report."""
    reports: dict[Path, Report] = {}

    def run(path: Path) -> Report:
        if path not in reports:
            reports[path] = validate(Graph().parse(path, format="turtle"), ontology, shapes)
        return reports[path]

    return run


def _header(path: Path) -> dict[str, str]:
    """Read the `# expect:` / `# severity:` comment lines at the top of a case file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        found[match.group(1)] = match.group(2).strip()
    return found


@pytest.mark.parametrize("case", CONFORMS, ids=lambda p: p.name)
def test_conforms(case: Path, check: Callable[[Path], Report]) -> None:
    report = check(case)
    assert report.conforms, format_report(report)


@pytest.mark.parametrize("case", VIOLATES, ids=lambda p: p.name)
def test_violates(case: Path, check: Callable[[Path], Report]) -> None:
    component = case.stem.split("--")[0]
    header = _header(case)
    assert "expect" in header, f"{case.name}: first line must be '# expect: <message fragment>'"
    severity = header.get("severity", "Violation")
    report = check(case)
    hits = [v for v in report.violations if v.component == component and header["expect"] in v.message]
    assert hits, f"no {component} result with {header['expect']!r}:\n{format_report(report)}"
    assert {v.severity for v in hits} == {severity}, format_report(report)
    assert report.conforms is (severity != "Violation")


def test_case_files_name_a_known_component() -> None:
    for case in VIOLATES:
        component, sep, why = case.stem.partition("--")
        assert sep and why and component.endswith("ConstraintComponent"), case.name


def _shape_files_covered() -> dict[str, set[str]]:
    """Map each shapes file to the shapes it declares."""
    covered: dict[str, set[str]] = {}
    for path in SHAPE_FILES:
        g = Graph().parse(path, format="turtle")
        covered[path.name] = {str(s) for s in g.subjects(SH.path, None)} | {
            str(s) for s in g.subjects(RDF.type, SH.NodeShape)
        }
    return covered


def test_every_shapes_file_and_sparql_rule_has_a_violating_case(shapes: Graph, check: Callable[[Path], Report]) -> None:
    fired = {v.shape for case in VIOLATES for v in check(case).violations}
    for name, declared in _shape_files_covered().items():
        if declared:
            assert declared & fired, f"shapes/{name}: no violating case"
    sparql_shapes = {str(s) for s in shapes.subjects(SH.sparql, None)}
    assert sparql_shapes <= fired, f"SPARQL rules without a violating case: {sorted(sparql_shapes - fired)}"


def test_every_constraint_has_a_message(shapes: Graph) -> None:
    """A shape either carries sh:message, or only SHACL-SPARQL constraints that each carry one."""
    constraining = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.pattern, SH["in"], SH.minInclusive,
                    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.lessThan, SH.lessThanOrEquals,
                    SH.disjoint, SH.nodeKind, SH["or"], SH.xone, SH.minLength}
    for shape in set(shapes.subjects(SH.path, None)) | set(shapes.subjects(RDF.type, SH.NodeShape)):
        if isinstance(shape, BNode):  # a member of an sh:or / sh:xone list: its parent shape reports
            continue
        if any(shapes.value(shape, p) is not None for p in constraining):
            assert shapes.value(shape, SH.message) is not None, f"{shape}: constraint without sh:message"
        for sparql in shapes.objects(shape, SH.sparql):
            assert shapes.value(sparql, SH.message) is not None, f"{shape}: SPARQL constraint without sh:message"


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_rapper_parses_shapes_file(path: Path) -> None:
    rapper = subprocess.run(["rapper", "-q", "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    if rapper.returncode == 127:
        pytest.skip("rapper is not installed")
    assert rapper.returncode == 0, rapper.stderr
