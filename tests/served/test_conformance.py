"""Elasticsearch's own YAML REST tests for the connector APIs, run by `../shared/conformance/run-yaml`
against the served instance, one pytest test per YAML file: the whole kit, 217 passed, 0 failed,
0 skipped.

The instance serves `config/conformance-users.toml`, the users of Elasticsearch's test cluster,
so the tests that check privileges with their own `Authorization` headers run too; the runner
sends the `entsearch-admin` user's credentials, as Elasticsearch's YAML test client does.
Skipped, with the reason, when `<repo>/../shared/conformance` is not there.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests.served.conftest import CONFORMANCE_ADMIN
from tests.served.server import Served

pytestmark = pytest.mark.served

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
RUNNER = CONFORMANCE / "run-yaml"
TESTS = CONFORMANCE / "es-yaml"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", re.MULTILINE)


def yaml_files() -> list[Path]:
    return sorted(TESTS.rglob("*.yml")) if TESTS.is_dir() else []


@cache
def listed_tests() -> Counter[str]:
    """How many tests `run-yaml --list` finds in each file of the kit."""
    listing = subprocess.run(
        [sys.executable, str(RUNNER), "--list"], capture_output=True, text=True, timeout=120, check=True
    )
    return Counter(line.split(" :: ", 1)[0] for line in listing.stdout.splitlines() if " :: " in line)


def file_id(path: Path) -> str:
    return path.relative_to(TESTS).as_posix()


def failure_report(output: str) -> str:
    """The FAIL lines of run-yaml's output with their indented details, and its summary line."""
    kept, failing = [], False
    for line in output.splitlines():
        if not line.startswith(" "):
            failing = line.startswith("FAIL")
        if failing or SUMMARY.match(line):
            kept.append(line)
    return "\n".join(kept)


@pytest.mark.skipif(not RUNNER.is_file(), reason=f"the conformance kit is absent: {RUNNER} does not exist")
@pytest.mark.parametrize("yaml_file", yaml_files(), ids=file_id)
def test_yaml_file_passes_against_the_served_instance(served_with_users: Served, yaml_file: Path) -> None:
    credentials = ":".join(CONFORMANCE_ADMIN)
    completed = subprocess.run(
        [sys.executable, str(RUNNER), "--base-url", served_with_users.url, "--basic", credentials, str(yaml_file)],
        capture_output=True, text=True, timeout=600, check=False,
    )

    summary = SUMMARY.findall(completed.stdout)
    output = completed.stdout + completed.stderr
    assert summary, f"run-yaml printed no summary (status {completed.returncode}):\n{output}"
    passed, failed, skipped = (int(count) for count in summary[-1])
    assert failed == 0, f"{failed} of {file_id(yaml_file)}'s tests failed:\n{failure_report(completed.stdout)}"
    assert skipped == 0, completed.stdout
    assert passed == listed_tests()[file_id(yaml_file)] > 0, completed.stdout
    assert completed.returncode == 0, output


@pytest.mark.skipif(not RUNNER.is_file(), reason=f"the conformance kit is absent: {RUNNER} does not exist")
def test_the_kit_holds_217_tests_in_31_files() -> None:
    assert (sum(listed_tests().values()), len(listed_tests())) == (217, 31)
