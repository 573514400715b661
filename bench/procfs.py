"""What /proc (Linux) says about a server's whole process tree: RSS per process, CPU time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class ProcessMemory:
    pid: int
    role: str
    """`worker` (serves requests), `supervisor` (its parent) or `resource tracker` (multiprocessing's)."""
    rss_bytes: int


@dataclass(frozen=True, slots=True)
class TreeMemory:
    processes: tuple[ProcessMemory, ...]

    @property
    def total_bytes(self) -> int:
        return sum(process.rss_bytes for process in self.processes)

    @property
    def workers(self) -> tuple[ProcessMemory, ...]:
        return tuple(process for process in self.processes if process.role == "worker")


def tree_memory(root: int) -> TreeMemory:
    pids = process_tree(root)
    trackers = {pid for pid in pids if "resource_tracker" in _cmdline(pid)}
    has_workers_below = len(set(pids) - trackers) > 1
    processes = tuple(ProcessMemory(pid, _role(pid, root, trackers, has_workers_below), rss_bytes(pid)) for pid in pids)
    return TreeMemory(processes)


def _role(pid: int, root: int, trackers: set[int], has_workers_below: bool) -> str:
    if pid in trackers:
        return "resource tracker"
    if pid == root and has_workers_below:
        return "supervisor"
    return "worker"


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants that are alive now, parents first."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, frontier = [], [root]
    while frontier:
        pid = frontier.pop(0)
        tree.append(pid)
        frontier.extend(sorted(children.get(pid, ())))
    return tree


def cpu_seconds(root: int) -> float:
    """User plus system CPU time used so far by `root` and its descendants (all their threads)."""
    ticks = 0
    for pid in process_tree(root):
        try:
            ticks += parse_cpu_ticks((PROC / str(pid) / "stat").read_text())
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def parse_cpu_ticks(stat: str) -> int:
    """utime + stime (fields 14 and 15) of a /proc/<pid>/stat line."""
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _parents() -> dict[int, int]:
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = parse_parent_pid(stat)
    return parents


def parse_parent_pid(stat: str) -> int:
    """The parent pid in a /proc/<pid>/stat line; the command name may hold spaces and parentheses."""
    return int(stat.rsplit(")", 1)[1].split()[1])


def rss_bytes(pid: int) -> int:
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
