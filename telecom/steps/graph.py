"""A flow of steps as a graph, whatever walks it: nodes (a USSD screen, a voice
step) joined by labelled edges (an option, a route), which ones cannot be
reached from the start and which ones lead nowhere, and where each is drawn.

The voice and USSD consoles each say what their nodes and edges are
(`voiceflows/admin/graph.py`, `telecom/admin/ussd_graph.py`);
`telecom.steps.graph_svg` draws the layout computed here as SVG.

The layout is layered, left to right: a node's column is its distance from the
start (breadth first); an edge that skips columns passes through a placeholder
in each column it crosses, so it never runs through a node; nodes are ordered
within a column by the mean position of their neighbours (a few sweeps each
way), which removes most crossings. Each edge leaves its node from its own
port on the node's right side and runs straight across its column's label
lane (as wide as the column's longest label, up to `LABEL_CHARS`), where its
label sits: ports of one node are `PORT_GAP` apart and nodes never overlap, so no
two labels can. An edge to its own column or an earlier one (a loop back) is
drawn as a curve into the top of its target.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

NODE_W, NODE_H = 200, 60
PORT_GAP = 17
LABEL_CHARS, CHAR_W, CURVE_W = 26, 6.4, 56
VGAP = 22
MARGIN_LEFT, MARGIN_TOP, MARGIN = 64, 34, 24
SWEEPS = 6


@dataclass(frozen=True)
class Node:
    """One step. `terminal`: it ends the walk on purpose (a hang-up, an end
    screen); `exit`: it stands for somewhere outside the graph (another app's
    URL), so it is neither a dead end nor unreachable on its own account."""

    key: str
    text: str = ""
    kind: str = ""
    url: str = ""
    terminal: bool = False
    exit: bool = False
    note: str = ""


@dataclass(frozen=True)
class Edge:
    """From one node to another. `leads_on`: taking it goes on with the walk
    (a route on the caller's hang-up does not)."""

    source: str
    target: str
    label: str = ""
    leads_on: bool = True


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    start: str = ""
    noun: str = "step"
    nouns: str = "steps"

    def __post_init__(self):
        self.by_key = {node.key: node for node in self.nodes}
        self.edges = [e for e in self.edges if e.source in self.by_key and e.target in self.by_key]

    def reachable(self) -> set[str]:
        if self.start not in self.by_key:
            return set()
        seen, queue = {self.start}, deque([self.start])
        out = self.out_edges()
        while queue:
            for edge in out[queue.popleft()]:
                if edge.target not in seen:
                    seen.add(edge.target)
                    queue.append(edge.target)
        return seen

    def out_edges(self) -> dict[str, list[Edge]]:
        out: dict[str, list[Edge]] = {node.key: [] for node in self.nodes}
        for edge in self.edges:
            out[edge.source].append(edge)
        return out

    def unreachable(self) -> list[str]:
        seen = self.reachable()
        return [n.key for n in self.nodes if n.key not in seen and not n.exit]

    def dead_ends(self) -> list[str]:
        """Nodes that do not end the walk on purpose, yet have no way on."""
        out = self.out_edges()
        return [
            n.key
            for n in self.nodes
            if not (n.terminal or n.exit) and not any(e.leads_on for e in out[n.key])
        ]


@dataclass
class Box:
    """A node (or an edge's placeholder in a column it crosses) where it is drawn."""

    key: str
    rank: int
    x: float = 0.0
    y: float = 0.0
    w: float = NODE_W
    h: float = NODE_H
    ports: list = field(default_factory=list)  # (edge index, y)
    placeholder: bool = False

    @property
    def middle(self) -> float:
        return self.y + self.h / 2


@dataclass
class Layout:
    boxes: dict[str, Box]
    paths: list[tuple[Edge, str, tuple[float, float], bool]]  # edge, SVG path, label at, back
    width: float
    height: float
    lanes: list[float]  # each column's label lane


def _lanes(graph: Graph, rank: dict[str, int]) -> list[float]:
    lanes = [0] * (max(rank.values(), default=0) + 1)
    for edge in graph.edges:
        r = rank[edge.source]
        lanes[r] = max(lanes[r], min(len(edge.label), LABEL_CHARS))
    return [max(16.0, chars * CHAR_W + 14) for chars in lanes]


def _ranks(graph: Graph) -> dict[str, int]:
    """A node's column: the longest way to it from the start once the edges
    that close a loop are set aside (found depth first, from the start, then
    from each node it never reaches), so a step comes after every step that
    leads to it. The dict's order is the order nodes were met in."""
    out = graph.out_edges()
    met: dict[str, int] = {}
    loops: set[int] = set()
    index = {id(edge): i for i, edge in enumerate(graph.edges)}
    roots = [graph.start] if graph.start in graph.by_key else []
    for root in [*roots, *(n.key for n in graph.nodes)]:
        if root in met:
            continue
        met[root] = len(met)
        open_ = {root}
        stack = [(root, iter(out[root]))]
        while stack:
            key, pending = stack[-1]
            edge = next(pending, None)
            if edge is None:
                open_.discard(key)
                stack.pop()
            elif edge.target in open_:
                loops.add(index[id(edge)])
            elif edge.target not in met:
                met[edge.target] = len(met)
                open_.add(edge.target)
                stack.append((edge.target, iter(out[edge.target])))
    rank = dict.fromkeys(met, 0)
    waiting = dict.fromkeys(met, 0)
    forward = [e for i, e in enumerate(graph.edges) if i not in loops]
    for edge in forward:
        waiting[edge.target] += 1
    ready = deque(key for key in met if not waiting[key])
    following = {key: [] for key in met}
    for edge in forward:
        following[edge.source].append(edge.target)
    while ready:
        key = ready.popleft()
        for target in following[key]:
            rank[target] = max(rank[target], rank[key] + 1)
            waiting[target] -= 1
            if not waiting[target]:
                ready.append(target)
    return rank


def layout(graph: Graph) -> Layout:
    rank = _ranks(graph)
    boxes = {n.key: Box(n.key, rank[n.key]) for n in graph.nodes}
    # The chain of boxes each forward edge passes through; back edges go direct.
    chains: list[list[str]] = []
    for i, edge in enumerate(graph.edges):
        low, high = rank[edge.source], rank[edge.target]
        chain = [edge.source]
        for r in range(low + 1, high):
            key = f"~{i}~{r}"
            boxes[key] = Box(key, r, h=PORT_GAP, placeholder=True)
            chain.append(key)
        chains.append([*chain, edge.target])
    layers = _order(boxes, chains, rank, graph)
    lanes = _lanes(graph, rank)
    _place(boxes, chains, layers, lanes)
    return _route(boxes, chains, lanes, graph)


def _order(boxes, chains, rank, graph) -> list[list[str]]:
    """Each column's boxes, top to bottom, by the barycentre heuristic."""
    succ: dict[str, list[str]] = {key: [] for key in boxes}
    pred: dict[str, list[str]] = {key: [] for key in boxes}
    for i, chain in enumerate(chains):
        if rank[graph.edges[i].target] <= rank[graph.edges[i].source]:
            continue
        for a, b in itertools.pairwise(chain):
            succ[a].append(b)
            pred[b].append(a)
    depth = max((box.rank for box in boxes.values()), default=-1) + 1
    layers: list[list[str]] = [[] for _ in range(depth)]
    # First order: as met breadth first, along the edges' own order.
    met = {key: i * 1000 + 999 for i, key in enumerate(rank)}
    for i, edge in enumerate(graph.edges):
        for key in chains[i][1:-1]:
            met[key] = met[edge.source] - 999 + i % 999
    for key in sorted(boxes, key=lambda k: (boxes[k].rank, met[k])):
        layers[boxes[key].rank].append(key)
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        indices = range(1, depth) if downward else range(depth - 2, -1, -1)
        for r in indices:
            neighbours = pred if downward else succ
            position = {key: i for i, key in enumerate(layers[r - 1 if downward else r + 1])}
            current = {key: i for i, key in enumerate(layers[r])}

            def weight(key, neighbours=neighbours, position=position, current=current):
                near = [position[n] for n in neighbours[key] if n in position]
                return sum(near) / len(near) if near else current[key]

            layers[r].sort(key=weight)
    return layers


def _place(boxes, chains, layers, lanes) -> None:
    """Columns left to right; in each, a box as near the middle of what leads
    into it as the boxes above allow."""
    out_of: dict[str, list[int]] = {}
    for i, chain in enumerate(chains):
        out_of.setdefault(chain[0], []).append(i)
    position = {key: i for layer in layers for i, key in enumerate(layer)}
    next_hop = {i: chain[1] for i, chain in enumerate(chains)}
    for box in boxes.values():
        if box.placeholder:
            continue
        edges = out_of.get(box.key, [])
        edges.sort(key=lambda i: (boxes[next_hop[i]].rank <= box.rank, position[next_hop[i]]))
        box.ports = [[i, 0.0] for i in edges]
        box.h = max(NODE_H, len(edges) * PORT_GAP + 12)
    incoming: dict[str, list[tuple[str, int]]] = {}
    for i, chain in enumerate(chains):
        if boxes[chain[-1]].rank > boxes[chain[0]].rank:
            for a, b in itertools.pairwise(chain):
                incoming.setdefault(b, []).append((a, i))
    column_x = MARGIN_LEFT
    for r, layer in enumerate(layers):
        bottom = MARGIN_TOP - VGAP
        for key in layer:
            box = boxes[key]
            box.x = column_x
            sources = [_port_y(boxes[a], i) for a, i in incoming.get(key, [])]
            wanted = sum(sources) / len(sources) - box.h / 2 if sources else MARGIN_TOP
            box.y = max(wanted, bottom + VGAP)
            bottom = box.y + box.h
            _set_ports(box)
        column_x += NODE_W + lanes[r] + CURVE_W


def _set_ports(box: Box) -> None:
    n = len(box.ports)
    for j, port in enumerate(box.ports):
        port[1] = box.middle + (j - (n - 1) / 2) * PORT_GAP


def _port_y(box: Box, edge: int) -> float:
    return next((y for i, y in box.ports if i == edge), box.middle)


def _curve(x0, y0, x1, y1) -> str:
    d = (x1 - x0) / 2
    return f"C{x0 + d:.1f},{y0:.1f} {x1 - d:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"


def _route(boxes, chains, lanes, graph) -> Layout:
    paths = []
    for i, (edge, chain) in enumerate(zip(graph.edges, chains, strict=True)):
        source, target = boxes[chain[0]], boxes[chain[-1]]
        y = _port_y(source, i)
        x = source.x + NODE_W + lanes[source.rank]
        parts = [f"M{source.x + NODE_W:.1f},{y:.1f}", f"H{x:.1f}"]
        label_at = (source.x + NODE_W + 5, y - 4)
        back = target.rank <= source.rank
        if back:
            top_x, top_y = target.x + NODE_W * 0.7, target.y
            lift = max(40.0, (y - top_y) / 2 + 30)
            parts.append(
                f"C{x + CURVE_W:.1f},{y:.1f} {top_x:.1f},{top_y - lift:.1f} "
                f"{top_x:.1f},{top_y - 2:.1f}"
            )
        else:
            for key in chain[1:]:
                hop = boxes[key]
                parts.append(_curve(x, y, hop.x, hop.middle))
                x, y = hop.x + NODE_W + lanes[hop.rank], hop.middle
                if hop.placeholder:
                    parts.append(f"H{x:.1f}")
        paths.append((edge, " ".join(parts), label_at, back))
    last = max(boxes.values(), key=lambda b: b.x, default=None)
    width = (last.x + NODE_W + lanes[last.rank] + CURVE_W if last else 0) + MARGIN
    height = max((b.y + b.h for b in boxes.values()), default=0) + MARGIN
    return Layout(boxes, paths, width, height, lanes)
