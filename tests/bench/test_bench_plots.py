"""The bench's charts: one readable PNG per section with data, and nothing for empty sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.plots import write_plots

image = pytest.importorskip("matplotlib.image")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ALL_PLOTS = {"throughput.png", "ratios.png", "latency.png", "list_scaling.png", "scale_out.png", "startup_memory.png"}
LOAD_PLOTS = {"throughput.png", "ratios.png", "latency.png"}
ENDPOINTS = ("last_sync", "get_connector", "list_connectors", "post_sync_job")
STORAGE_SHARES = {"memory": (0.9, 0.85), "sqlite": (0.75, 0.70), "postgres": (0.55, 0.50), "mariadb": (0.5, 0.50)}


def _load_rows() -> list[dict[str, Any]]:
    rows = []
    for connections in (1, 16):
        for endpoint in ENDPOINTS:
            ceiling = 4000.0 * connections**0.5
            rows.append(_row("ceiling", endpoint, connections, ceiling, None, None))
            for storage, (share, minimum) in STORAGE_SHARES.items():
                rows.append(_row(storage, endpoint, connections, ceiling * share, share, minimum))
    rows[-1] = {**rows[-1], "errors": 12, "verdict": "INVALID (errors)"}
    return rows


def _row(
    target: str, endpoint: str, connections: int, rps: float, ratio: float | None, minimum: float | None
) -> dict[str, Any]:
    return {
        "target": target, "endpoint": endpoint, "connections": connections, "requests_per_second": rps,
        "p50_ms": 1000 * connections / rps, "p99_ms": 3000 * connections / rps, "errors": 0,
        "cpu_us_per_request": 180.0, "ratio": ratio, "minimum_ratio": minimum if connections == 16 else None,
        "verdict": "" if ratio is None else "pass",
    }  # fmt: skip


def _full_document() -> dict[str, Any]:
    return {
        "context": {"started": "2025-01-02T03:04:05Z", "mode": "quick", "machine": "8 CPUs"},
        "target_connections": 16,
        "rows": _load_rows(),
        "list_scaling": [
            {
                "target": storage,
                "connectors": size,
                "requests_per_second": 900.0,
                "p50_ms": slope * (2 + size / 50_000),
                "p99_ms": slope * (6 + size / 20_000),
                "mean_ms": 3.0,
                "errors": 0,
                "ratio_to_smallest": 1.0 + size / 1e6,
                "maximum_ratio": 1.5,
            }  # fmt: skip
            for storage, slope in (("sqlite", 1.0), ("postgres", 1.4))
            for size in (1_000, 10_000, 100_000)
        ],
        "scale_out": [
            {
                "storage": "postgres",
                "endpoint": endpoint,
                "connections": 16,
                "one_worker_rps": 3000.0,
                "two_workers_rps": 5400.0,
                "ratio": 1.8,
                "minimum_ratio": 1.6,
                "verdict": "pass",
            }  # fmt: skip
            for endpoint in ENDPOINTS
        ],
        "startup": [
            {"label": "fresh SQLite file (applies migrations)", "seconds": [0.8, 0.9, 0.85], "median_s": 0.85},
            {"label": "existing SQLite file", "seconds": [0.5, 0.6, 0.55], "median_s": 0.55},
        ],
        "startup_target_s": 1.0,
        "memory": [
            {"target": target, "when": when, "total_bytes": 150_000_000, "largest_worker_bytes": size}
            for target in ("ceiling", "memory", "sqlite")
            for when, size in (("started", 40_000_000), ("after seeding and load", 70_000_000))
        ],
        "worker_rss_target_bytes": 100_000_000,
    }


def _assert_readable_png(path: Path) -> None:
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    height, width = image.imread(path).shape[:2]
    assert 600 <= width <= 3000
    assert 300 <= height <= 2000


def test_a_full_document_gets_every_chart(tmp_path: Path) -> None:
    written = write_plots(_full_document(), tmp_path)

    assert {path.name for path in written} == ALL_PLOTS
    assert {path.name for path in tmp_path.iterdir()} == ALL_PLOTS
    for path in written:
        _assert_readable_png(path)


@pytest.mark.parametrize(
    "document",
    [{}, {"context": {"started": "now"}, "rows": [], "list_scaling": [], "scale_out": [], "startup": [], "memory": []}],
    ids=["no keys", "empty sections"],
)
def test_an_empty_document_writes_nothing(tmp_path: Path, document: dict[str, Any]) -> None:
    assert write_plots(document, tmp_path / "plots") == []
    assert not (tmp_path / "plots").exists()


@pytest.mark.parametrize("target_connections", [None, 64], ids=["no target", "target not measured"])
def test_load_rows_alone_give_the_load_charts(tmp_path: Path, target_connections: int | None) -> None:
    """Without a measured target concurrency, the charts take the highest one measured."""
    written = write_plots({"rows": _load_rows(), "target_connections": target_connections}, tmp_path)

    assert {path.name for path in written} == LOAD_PLOTS
    for path in written:
        _assert_readable_png(path)


def test_memory_without_startup_still_gets_its_chart(tmp_path: Path) -> None:
    document = {key: value for key, value in _full_document().items() if key in ("memory", "context")}

    written = write_plots(document, tmp_path)

    assert [path.name for path in written] == ["startup_memory.png"]
    _assert_readable_png(written[0])
