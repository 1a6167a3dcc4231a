"""`read_json_file`: the one bounded reader of a JSON file (a case, a dose plan), and the CLI
commands that read one through it: every failure is one line naming the file, never a traceback."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oligoguide.cli import app
from oligoguide.model import CaseInputError
from oligoguide.model.io import MAX_CASE_BYTES, JsonFileError, load_case, read_json_file

runner = CliRunner()


def _refusal(path: Path, **limit: int) -> JsonFileError:
    with pytest.raises(JsonFileError) as caught:
        read_json_file(path, **limit)
    assert isinstance(caught.value, CaseInputError)  # callers that catch the case error still do
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}")
    return caught.value


def test_reads_strict_json(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text('{"a": [1, 2.5, "é"]}', encoding="utf-8")
    assert read_json_file(path) == {"a": [1, 2.5, "é"]}


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ten.json"
    path.write_bytes(b'"' + b"x" * 8 + b'"')
    assert read_json_file(path, limit=10) == "x" * 8


def test_too_large_names_the_file_and_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b'"' + b"x" * 9 + b'"')
    assert str(_refusal(path, limit=10)) == f"{path}: larger than 10 bytes"


def test_the_default_limit_is_the_case_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * MAX_CASE_BYTES + b"1 ")
    assert f"larger than {MAX_CASE_BYTES} bytes" in str(_refusal(path))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"case_id": "\xe9"}')
    assert str(_refusal(path)) == f"{path}: not UTF-8 text (invalid byte at offset 13)"


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert str(_refusal(path)).startswith(f"{path}: malformed JSON at line 1 column 2")


def test_strict_json_rules_apply(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"x": NaN}')
    assert "NaN is not valid JSON" in str(_refusal(path))


def test_a_duplicate_key_names_the_file_and_the_object(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"lesions": [{"id": "A", "id": "B"}]}')
    error = _refusal(path)
    assert str(error) == f"{path} at /lesions/0: duplicate key 'id' in this object"
    assert error.issues[0].pointer == "/lesions/0"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    assert str(_refusal(path)) == f"{path}: cannot read (No such file or directory)"


def test_a_directory(tmp_path: Path) -> None:
    assert str(_refusal(tmp_path)).startswith(f"{tmp_path}: cannot read (")


def test_load_case_refuses_through_it(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text("[")
    with pytest.raises(JsonFileError, match=r"case\.json: malformed JSON"):
        load_case(path)


# -- the commands that read a JSON file ----------------------------------------------------------


def _commands(path: Path, tmp_path: Path) -> list[list[str]]:
    commands = [["assess", str(path)], ["dose", "check", str(path)]]
    if importlib.util.find_spec("pydicom") and importlib.util.find_spec("highdicom"):
        out = str(tmp_path / "out.json")
        commands.append(["import-sr", str(tmp_path / "none.dcm"), "--case", str(path), "-o", out])
    return commands


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "cannot read (No such file or directory)"),
        (b"{not json", "malformed JSON at line 1 column 2"),
        (b'"\xff"', "not UTF-8 text"),
        (b" " * (MAX_CASE_BYTES + 1), f"larger than {MAX_CASE_BYTES} bytes"),
    ],
)
def test_every_command_names_the_file_once(tmp_path: Path, content: bytes | None, why: str) -> None:
    path = tmp_path / "input.json"
    if content is not None:
        path.write_bytes(content)
    for command in _commands(path, tmp_path):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, (command, result.output)
        assert len(result.stderr.splitlines()) == 1, (command, result.stderr)
        assert result.stderr.startswith(f"error: {path}: {why}"), (command, result.stderr)
        assert "Traceback" not in result.output


def test_demo_names_the_file_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"case_id": "x", "case_id2": 1})[:-1])
    result = runner.invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}: malformed JSON")
    assert str(bad) not in result.stderr.removeprefix(f"error: {bad}")
