"""The engine on broken input: any JSON value, and valid cases broken in one place. Input is either
accepted (and then assessed without an exception) or refused with CaseInputError whose issues
name the field by JSON pointer; nothing else ever escapes. Plus invariants not covered by
test_engine_invariants.py: citations resolve in the knowledge base, the output names the KB
version, the assessment is deterministic and its JSON validates against its own schema."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from case_strategies import cases
from oligoguide.assess import Assessment, assess
from oligoguide.knowledge import default_knowledge_base
from oligoguide.model import Case, CaseInputError, case_from_data

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
hostile_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.just("x" * 10_000),
    st.just("2024-13-45"),
    st.just([]),
    st.just({}),
    st.just({"$ref": "#"}),
)


def _pointers(node: Any, prefix: str = "") -> list[str]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _pointers(value, f"{prefix}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _pointers(value, f"{prefix}/{index}")
    return out


def _parent_and_key(data: Any, pointer: str) -> tuple[Any, str | int]:
    parts = pointer.split("/")[1:]
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, int(last) if isinstance(node, list) else last


def check_outcome(data: Any) -> Case | None:
    """The contract: a Case that assesses, or CaseInputError with pointed issues."""
    refused: CaseInputError | None = None
    try:
        case = case_from_data(data)
    except CaseInputError as error:
        refused = error
    if refused is not None:
        assert refused.issues
        assert str(refused)
        for issue in refused.issues:
            assert issue.pointer == "" or issue.pointer.startswith("/")
            assert issue.message
        return None
    assess(case)
    return case


@FUZZ
@given(json_values)
def test_any_json_value_is_a_case_or_a_pointed_refusal(data: Any) -> None:
    check_outcome(data)


@FUZZ
@given(cases(), st.data())
def test_a_case_broken_at_any_field_is_refused_or_assessed(
    valid: dict[str, Any], draw: st.DataObject
) -> None:
    data = copy.deepcopy(valid)
    pointer = draw.draw(st.sampled_from(_pointers(data)[1:]))
    parent, key = _parent_and_key(data, pointer)
    parent[key] = draw.draw(hostile_leaves)
    check_outcome(data)


@FUZZ
@given(cases(), st.data())
def test_an_unknown_field_anywhere_is_refused_at_its_pointer(
    valid: dict[str, Any], draw: st.DataObject
) -> None:
    data = copy.deepcopy(valid)
    objects = [p for p in _pointers(data) if isinstance(_resolve(data, p), dict)]
    where = draw.draw(st.sampled_from(objects))
    _resolve(data, where)["zz_unknown"] = 1
    with pytest.raises(CaseInputError) as refused:
        case_from_data(data)
    assert f"{where}/zz_unknown" in [i.pointer for i in refused.value.issues]


@FUZZ
@given(
    cases(),
    st.sampled_from(["/case_id", "/patient", "/patient/id", "/cancer", "/cancer/primary_site"]),
)
def test_a_missing_required_field_is_refused_at_its_pointer(
    valid: dict[str, Any], pointer: str
) -> None:
    data = copy.deepcopy(valid)
    parent, key = _parent_and_key(data, pointer)
    del parent[key]
    with pytest.raises(CaseInputError) as refused:
        case_from_data(data)
    assert pointer in [i.pointer for i in refused.value.issues]


def _resolve(data: Any, pointer: str) -> Any:
    node = data
    for part in pointer.split("/")[1:]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_assessments_cite_the_knowledge_base_they_name_and_are_deterministic(
    data: dict[str, Any],
) -> None:
    try:
        case = case_from_data(data)
    except CaseInputError:
        return
    kb = default_knowledge_base()
    first = assess(case)
    assert first.kb_version == kb.version
    for reference in first.references:
        assert reference.id in kb.evidence, reference.id
    for rec in first.recommendations:
        assert rec.statement_id is None or rec.statement_id in kb.statements
        assert set(rec.citations) <= set(kb.evidence)
    again = assess(case)
    assert again.model_dump(mode="json") == first.model_dump(mode="json")
    Assessment.model_validate_json(first.model_dump_json())
