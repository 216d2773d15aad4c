"""Diagram geometry for export: shape sizes, a left-to-right layered layout, edge waypoints.

Nodes with a ``position`` keep it (top-left corner of the shape, as bpmn.io stores bounds); the
others are placed by longest-path layering from the start, so a flow written by hand opens
readable in a modeler.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SIZES = {"start": (36, 36), "end": (36, 36), "timer": (36, 36)}
GATEWAY_SIZE = (50, 50)
TASK_SIZE = (100, 80)
COLUMN = 170
ROW = 130
ORIGIN = (180, 120)  # centre of the first column's first row


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


def size_of(node_type: str) -> tuple[int, int]:
    if node_type.endswith("_gateway"):
        return GATEWAY_SIZE
    return SIZES.get(node_type, TASK_SIZE)


def layout(
    nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], bands: Mapping[str, int] | None = None
) -> dict[str, Bounds]:
    """Bounds for every node: its own position, or a place in the layered layout. ``bands`` (node id
    → its lane's index) stacks the lanes as horizontal bands, each as high as its busiest column."""
    ids = [node["id"] for node in nodes]
    outgoing: dict[str, list[str]] = {n: [] for n in ids}
    for edge in edges:
        if edge.get("source") in outgoing and edge.get("target") in outgoing:
            outgoing[edge["source"]].append(edge["target"])
    layer, order = _layers(ids, [n["id"] for n in nodes if n.get("type") == "start"], outgoing)
    band = {node_id: (bands or {}).get(node_id, len(bands or {})) for node_id in ids}
    counts: dict[tuple[int, int], int] = {}
    for node_id in order:
        counts[band[node_id], layer[node_id]] = counts.get((band[node_id], layer[node_id]), 0) + 1
    heights: dict[int, int] = {}
    for (lane, _), count in counts.items():
        heights[lane] = max(heights.get(lane, 1), count)
    offset, top = {}, 0
    for lane in sorted(heights):
        offset[lane], top = top, top + heights[lane]
    rows: dict[tuple[int, int], int] = {}
    placed: dict[str, Bounds] = {}
    for node in nodes:
        width, height = size_of(node.get("type", ""))
        position = node.get("position")
        if isinstance(position, Mapping) and "x" in position and "y" in position:
            placed[node["id"]] = Bounds(position["x"], position["y"], width, height)
    for node_id in order:
        column, lane = layer[node_id], band[node_id]
        row = rows.get((lane, column), 0)
        rows[lane, column] = row + 1
        if node_id in placed:
            continue
        width, height = size_of(next(n.get("type", "") for n in nodes if n["id"] == node_id))
        cx, cy = ORIGIN[0] + column * COLUMN, ORIGIN[1] + (offset[lane] + row) * ROW
        placed[node_id] = Bounds(cx - width // 2, cy - height // 2, width, height)
    return placed


def _layers(ids: list[str], starts: list[str], outgoing: Mapping[str, list[str]]) -> tuple[dict[str, int], list[str]]:
    """Longest-path layers over the graph without its back edges; nodes in breadth-first order."""
    order: list[str] = []
    seen: set[str] = set()
    for root in [*starts, *ids]:
        if root in seen:
            continue
        seen.add(root)
        queue = deque([root])
        while queue:
            current = queue.popleft()
            order.append(current)
            for nxt in outgoing[current]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
    rank = {n: i for i, n in enumerate(order)}
    back = _back_edges(order, outgoing)
    layer = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):  # relax until stable; the forward graph is acyclic
        changed = False
        for source in order:
            for target in outgoing[source]:
                if (source, target) not in back and layer[target] < layer[source] + 1:
                    layer[target] = layer[source] + 1
                    changed = True
        if not changed:
            break
    order.sort(key=lambda n: (layer[n], rank[n]))
    return layer, order


def _back_edges(order: list[str], outgoing: Mapping[str, list[str]]) -> set[tuple[str, str]]:
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on the DFS stack, 2 finished
    for root in order:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, index = stack.pop()
            if index < len(outgoing[node]):
                stack.append((node, index + 1))
                nxt = outgoing[node][index]
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
    return back


def boundary_bounds(task: Bounds, index: int) -> Bounds:
    """The k-th boundary timer sits on the task's lower edge, from the right."""
    cx = task.right - 20 - index * 30
    return Bounds(cx - 18, task.bottom - 18, 36, 36)


def waypoints(source: Bounds, target: Bounds, *, from_boundary: bool = False) -> list[tuple[float, float]]:
    if from_boundary:
        if target.cy > source.bottom:
            end_x = target.x if target.x > source.cx else target.right
            return [(source.cx, source.bottom), (source.cx, target.cy), (end_x, target.cy)]
        low = source.bottom + 30
        return [(source.cx, source.bottom), (source.cx, low), (target.cx, low), (target.cx, target.bottom)]
    if target.x >= source.right:
        if source.cy == target.cy:
            return [(source.right, source.cy), (target.x, target.cy)]
        middle = (source.right + target.x) / 2
        return [(source.right, source.cy), (middle, source.cy), (middle, target.cy), (target.x, target.cy)]
    low = max(source.bottom, target.bottom) + 40
    return [(source.cx, source.bottom), (source.cx, low), (target.cx, low), (target.cx, target.bottom)]
