"""PNG charts of a bench results document: one file per section that has data.

matplotlib is imported lazily and only through its object-oriented API with the Agg canvas, so
plotting touches no global pyplot state and needs no display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Row = Mapping[str, Any]

CEILING = "ceiling"
MB = 1_000_000
ERRORS_NOTE = "hatched: run had errors"
ERROR_HATCH = "//"
DPI = 110
BAR_EDGES: dict[str, Any] = {"edgecolor": "black", "linewidth": 0.5}
"""Black edges, so the error hatching (drawn in the edge colour) shows on every bar colour."""


def write_plots(document: Mapping[str, Any], directory: Path) -> list[Path]:
    """Write one PNG per section that has data into `directory`; return the paths written."""
    written = []
    for name, build in PLOTS:
        figure = build(document)
        if figure is not None:
            directory.mkdir(parents=True, exist_ok=True)
            written.append(_save(figure, directory / name))
    return written


def throughput_figure(document: Mapping[str, Any]) -> Figure | None:
    rows = _rows_at_target(document)
    if not rows:
        return None
    figure = _figure(document, f"Throughput at {_connections(document)} connections", (10, 5))
    axes = figure.add_subplot()
    _grouped_bars(axes, rows, "requests_per_second", _colours(document))
    axes.set_ylabel("requests per second")
    _legend(figure, axes, rows)
    return figure


def ratios_figure(document: Mapping[str, Any]) -> Figure | None:
    rows = [row for row in _rows_at_target(document) if row["target"] != CEILING and row.get("ratio") is not None]
    if not rows:
        return None
    figure = _figure(document, f"Ratio to the ceiling's req/s at {_connections(document)} connections", (10, 5))
    axes = figure.add_subplot()
    cells = _cells(rows)
    for key, (x, width) in _grouped_bars(axes, rows, "ratio", _colours(document)).items():
        minimum = cells[key].get("minimum_ratio")
        if minimum is not None:
            axes.hlines(
                minimum, x - width / 2, x + width / 2, colors="black", linestyles="dashed", label="target minimum"
            )
    axes.axhline(1.0, color="grey", linewidth=1)
    axes.annotate("ceiling", (1.0, 1.0), xycoords=("axes fraction", "data"), ha="right", va="bottom", color="grey")
    axes.set_ylabel("storage req/s ÷ ceiling req/s")
    axes.set_ylim(0, max(1.1, *(row["ratio"] * 1.1 for row in rows)))
    _legend(figure, axes, rows)
    return figure


def latency_figure(document: Mapping[str, Any]) -> Figure | None:
    rows = _rows_at_target(document)
    if not rows:
        return None
    figure = _figure(document, f"Latency at {_connections(document)} connections", (12, 5))
    for index, (key, label) in enumerate((("p50_ms", "p50"), ("p99_ms", "p99")), start=1):
        axes = figure.add_subplot(1, 2, index)
        _grouped_bars(axes, rows, key, _colours(document))
        axes.set_title(label)
        axes.set_ylabel("milliseconds")
    _legend(figure, figure.axes[0], rows)
    return figure


def list_scaling_figure(document: Mapping[str, Any]) -> Figure | None:
    rows = document.get("list_scaling") or []
    if not rows:
        return None
    figure = _figure(document, _list_scaling_title(rows), (10, 5))
    axes = figure.add_subplot()
    colours = _colours(document)
    for target in _targets(rows):
        points = sorted((row for row in rows if row["target"] == target), key=lambda row: row["connectors"])
        sizes = [row["connectors"] for row in points]
        colour = colours[target]
        axes.plot(sizes, [row["p50_ms"] for row in points], "o-", color=colour, label=f"{target} p50")
        axes.plot(sizes, [row["p99_ms"] for row in points], "o:", color=colour, label=f"{target} p99")
    for row in filter(_had_errors, rows):
        axes.plot(row["connectors"], row["p99_ms"], "x", color="red", markersize=10, label="×: run had errors")
    _count_axis(axes, sorted({row["connectors"] for row in rows}))
    axes.set_xlabel("connectors stored")
    axes.set_ylabel("list page latency, ms")
    _legend(figure, axes, ())
    return figure


def scale_out_figure(document: Mapping[str, Any]) -> Figure | None:
    rows = document.get("scale_out") or []
    if not rows:
        return None
    figure = _figure(document, "Scale-out: req/s with one worker and with two", (10, 5))
    axes = figure.add_subplot()
    storages = {row["storage"] for row in rows}
    groups = [row["endpoint"] if len(storages) == 1 else f"{row['storage']}\n{row['endpoint']}" for row in rows]
    width = 0.38
    hatches = [ERROR_HATCH if _had_errors(row) else "" for row in rows]
    for offset, key, label in ((-width / 2, "one_worker_rps", "1 worker"), (width / 2, "two_workers_rps", "2 workers")):
        xs = [x + offset for x in range(len(rows))]
        axes.bar(xs, [row[key] for row in rows], width, label=label, hatch=hatches, **BAR_EDGES)
    for x, row in enumerate(rows):
        axes.annotate(
            _scale_out_note(row), (x, max(row["one_worker_rps"], row["two_workers_rps"])),
            xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize="small",
        )  # fmt: skip
    axes.set_xticks(range(len(rows)), groups)
    axes.set_ylabel("requests per second")
    axes.margins(y=0.15)
    _legend(figure, axes, rows)
    return figure


def startup_memory_figure(document: Mapping[str, Any]) -> Figure | None:
    startup = document.get("startup") or []
    memory = _last_memory(document.get("memory") or [])
    if not startup and not memory:
        return None
    figure = _figure(document, "Start-up and memory", (12, 4.5))
    panels = [panel for panel, data in ((_startup_panel, startup), (_memory_panel, memory)) if data]
    for index, panel in enumerate(panels, start=1):
        panel(figure.add_subplot(1, len(panels), index), document)
    return figure


def _startup_panel(axes: Axes, document: Mapping[str, Any]) -> None:
    rows = document["startup"]
    bars = axes.barh([row["label"] for row in rows], [row["median_s"] for row in rows], color="tab:blue")
    axes.bar_label(bars, fmt="%.2f s", padding=3, fontsize="small")
    _target_line(axes, document.get("startup_target_s"), lambda value: f"target < {value:g} s")
    axes.invert_yaxis()
    axes.set_xlabel("median seconds, launch to first GET /")
    axes.set_title("Start-up")
    axes.margins(x=0.2)


def _memory_panel(axes: Axes, document: Mapping[str, Any]) -> None:
    rows = _last_memory(document["memory"])
    megabytes = [row["largest_worker_bytes"] / MB for row in rows]
    colours = [_colours(document)[row["target"]] for row in rows]
    bars = axes.barh([row["target"] for row in rows], megabytes, color=colours)
    axes.bar_label(bars, fmt="%.0f MB", padding=3, fontsize="small")
    limit = document.get("worker_rss_target_bytes")
    _target_line(axes, None if limit is None else limit / MB, lambda value: f"target < {value:g} MB")
    axes.invert_yaxis()
    axes.set_xlabel("largest worker RSS, MB")
    moments = {row["when"] for row in rows}
    axes.set_title(f"Memory ({moments.pop() if len(moments) == 1 else 'last snapshot per target'})")
    axes.margins(x=0.2)


PLOTS: tuple[tuple[str, Callable[[Mapping[str, Any]], Figure | None]], ...] = (
    ("throughput.png", throughput_figure),
    ("ratios.png", ratios_figure),
    ("latency.png", latency_figure),
    ("list_scaling.png", list_scaling_figure),
    ("scale_out.png", scale_out_figure),
    ("startup_memory.png", startup_memory_figure),
)


def _figure(document: Mapping[str, Any], title: str, size: tuple[float, float]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    started = (document.get("context") or {}).get("started")
    figure.suptitle(title if started is None else f"{title}\nbench started {started}")
    return figure


def _save(figure: Figure, path: Path) -> Path:
    """Render to PNG, then drop the artists so the figure holds no memory while it awaits collection."""
    figure.savefig(path, dpi=DPI)
    figure.clear()
    return path


def _rows_at_target(document: Mapping[str, Any]) -> list[Row]:
    rows: list[Row] = document.get("rows") or []
    connections = _connections(document)
    return [row for row in rows if row["connections"] == connections]


def _connections(document: Mapping[str, Any]) -> int | None:
    """The concurrency the ratio targets apply at if it was measured, else the highest one measured."""
    measured = {row["connections"] for row in document.get("rows") or []}
    target: int | None = document.get("target_connections")
    return target if target in measured else max(measured, default=None)


def _targets(rows: Iterable[Row]) -> list[str]:
    return list(dict.fromkeys(row["target"] for row in rows))


def _cells(rows: Iterable[Row]) -> dict[tuple[str, str], Row]:
    return {(row["target"], row["endpoint"]): row for row in rows}


def _colours(document: Mapping[str, Any]) -> dict[str, str]:
    """The ceiling in grey and each storage its own colour, the same in every chart of one document."""
    sections = ("rows", "list_scaling", "memory")
    targets = _targets(row for section in sections for row in document.get(section) or [])
    palette = iter(f"C{index}" for index in range(10))
    return {target: "dimgrey" if target == CEILING else next(palette, "black") for target in targets}


def _grouped_bars(
    axes: Axes, rows: Sequence[Row], key: str, colours: Mapping[str, str]
) -> dict[tuple[str, str], tuple[float, float]]:
    """Bars of `key`, one group per endpoint and one bar per target; returns each bar's (centre, width)."""
    groups = list(dict.fromkeys(row["endpoint"] for row in rows))
    series = _targets(rows)
    cells = _cells(rows)
    width = 0.8 / len(series)
    places: dict[tuple[str, str], tuple[float, float]] = {}
    for index, name in enumerate(series):
        present = [(x, cells[name, group]) for x, group in enumerate(groups) if (name, group) in cells]
        xs = [x + (index - (len(series) - 1) / 2) * width for x, _ in present]
        hatches = [ERROR_HATCH if _had_errors(row) else "" for _, row in present]
        values = [row[key] for _, row in present]
        axes.bar(xs, values, width, label=name, color=colours[name], hatch=hatches, **BAR_EDGES)
        places.update({(name, row["endpoint"]): (x, width) for x, (_, row) in zip(xs, present, strict=True)})
    axes.set_xticks(range(len(groups)), groups)
    return places


def _had_errors(row: Row) -> bool:
    return bool(row.get("errors")) or str(row.get("verdict", "")).startswith("INVALID")


def _legend(figure: Figure, axes: Axes, rows: Iterable[Row]) -> None:
    """Below the plot: the axes' labelled artists once each, plus the hatching note when any row had errors."""
    from matplotlib.patches import Patch

    handles, labels = axes.get_legend_handles_labels()
    unique: dict[str, Artist] = dict(zip(labels, handles, strict=True))
    if any(_had_errors(row) for row in rows):
        unique[ERRORS_NOTE] = Patch(facecolor="white", edgecolor="black", hatch=ERROR_HATCH)
    figure.legend(list(unique.values()), list(unique), loc="outside lower center", ncols=min(len(unique), 6))


def _list_scaling_title(rows: Sequence[Row]) -> str:
    maximum = next((row["maximum_ratio"] for row in rows if row.get("maximum_ratio") is not None), None)
    if maximum is None:
        return "List page latency vs connectors stored"
    return (
        f"List page latency vs connectors stored\ntarget: the page at the largest size within {maximum:g}× the smallest"
    )


def _count_axis(axes: Axes, sizes: Sequence[int]) -> None:
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axes.set_xscale("log")
    axes.set_xticks(sizes)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: _count_label(value)))
    axes.xaxis.set_minor_formatter(NullFormatter())


def _count_label(value: float) -> str:
    """1000 as "1k", 100000 as "100k", 2000000 as "2M"."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _scale_out_note(row: Row) -> str:
    minimum = row.get("minimum_ratio")
    return f"×{row['ratio']:.2f}" + ("" if minimum is None else f" (≥ {minimum:g})")


def _target_line(axes: Axes, value: float | None, label: Callable[[float], str]) -> None:
    if value is not None:
        axes.axvline(value, color="red", linestyle="dashed", linewidth=1, label=label(value))
        axes.legend(fontsize="small", loc="lower right")


def _last_memory(rows: Sequence[Row]) -> list[Row]:
    """Per target, in order of appearance, its row at the last `when` listed for it."""
    last: dict[str, Row] = {}
    for row in rows:
        last[row["target"]] = row
    return list(last.values())
