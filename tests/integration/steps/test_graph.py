"""The graph of steps (`telecom.steps.graph`, drawn by `graph_svg`), whatever
walks it: what cannot be reached, what leads nowhere, where the start is, how
loops are laid out, that 100 nodes keep their labels apart, and that an
operator's text cannot break out of the drawing."""

import itertools
import random
import re
import xml.etree.ElementTree as ET

from telecom.steps.graph import PORT_GAP, Edge, Graph, Node, layout
from telecom.steps.graph_svg import draw

SVG = "{http://www.w3.org/2000/svg}"


def chain(*keys, **extra):
    """Nodes one after the other, the last one an end."""
    nodes = [Node(k, terminal=k == keys[-1]) for k in keys]
    edges = [Edge(a, b) for a, b in itertools.pairwise(keys)]
    return Graph(nodes, edges, start=keys[0], **extra)


def svg_of(html: str) -> ET.Element:
    """The drawing, parsed as XML: it must be well formed."""
    found = re.search(r"<svg .*</svg>", str(html), re.S)
    assert found, html
    return ET.fromstring(  # noqa: S314 (our own output, parsed to prove it well formed)
        found.group(0).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1)
    )


def test_graph_flags_unreachable_nodes_and_dead_ends():
    graph = Graph(
        [
            Node("a"),
            Node("b"),
            Node("end", terminal=True),
            Node("stuck"),
            Node("orphan"),
            Node("orphan-2", terminal=True),
        ],
        [
            Edge("a", "b"),
            Edge("b", "end"),
            Edge("a", "stuck"),
            Edge("orphan", "orphan-2"),
        ],
        start="a",
    )
    assert graph.unreachable() == ["orphan", "orphan-2"]
    assert graph.dead_ends() == ["stuck"]

    html = draw(graph)

    assert "2 steps cannot be reached from the start: orphan, orphan-2" in html
    assert "1 step is a dead end (no way on, and not an end): stuck" in html
    nodes = {g.get("data-node"): g.get("class") for g in svg_of(html).iter() if g.get("data-node")}
    assert "unreachable" in nodes["orphan"] and "dead" not in nodes["orphan"]
    assert "dead" in nodes["stuck"]
    assert nodes["a"].split() == ["hatid-graph-node", "start"]
    assert "end" in nodes["end"].split() and "dead" not in nodes["end"]


def test_a_way_out_that_only_follows_a_hang_up_leaves_a_dead_end():
    graph = Graph(
        [Node("say"), Node("bye", terminal=True)],
        [Edge("say", "bye", "caller hangs up", leads_on=False)],
        start="say",
    )
    assert graph.unreachable() == []
    assert graph.dead_ends() == ["say"]


def test_an_exit_is_neither_unreachable_nor_a_dead_end():
    graph = Graph(
        [Node("a"), Node("→ https://x.example/", exit=True), Node("b", terminal=True)],
        [Edge("a", "b", "“1”"), Edge("a", "→ https://x.example/", "error")],
        start="a",
    )
    lonely = Graph([Node("a", terminal=True), Node("→ u", exit=True)], [], start="a")
    assert (graph.unreachable(), graph.dead_ends()) == ([], [])
    assert (lonely.unreachable(), lonely.dead_ends()) == ([], [])
    assert "Every step can be reached, and each leads on or ends." in draw(graph)


def test_the_start_is_marked_and_everything_hangs_from_it():
    graph = chain("first", "second", "third", noun="screen", nouns="screens")
    plan = layout(graph)
    assert [plan.boxes[k].rank for k in ("first", "second", "third")] == [0, 1, 2]
    html = draw(graph)
    assert ">start</text>" in html
    assert "Every screen can be reached" in html


def test_with_no_start_nothing_is_reachable():
    graph = Graph([Node("a"), Node("b")], [Edge("a", "b")], start="")
    assert graph.unreachable() == ["a", "b"]


def test_loops_are_drawn_back_and_do_not_push_their_target_on():
    graph = Graph(
        [Node("menu"), Node("again"), Node("bye", terminal=True)],
        [
            Edge("menu", "again", "“1”"),
            Edge("again", "menu", "timeout"),
            Edge("menu", "menu", "no match"),
            Edge("menu", "bye", "“2”"),
        ],
        start="menu",
    )
    plan = layout(graph)
    assert plan.boxes["menu"].rank == 0
    assert {plan.boxes["again"].rank, plan.boxes["bye"].rank} == {1}
    back = {(edge.source, edge.target) for edge, _, _, is_back in plan.paths if is_back}
    assert back == {("again", "menu"), ("menu", "menu")}
    assert graph.dead_ends() == []
    drawn = svg_of(draw(graph))
    assert len([p for p in drawn.iter(f"{SVG}path") if "back" in p.get("class", "")]) == 2


def test_a_step_comes_after_every_step_that_leads_to_it():
    """The longest way, not the shortest: `bye` is after `info`, though the
    menu reaches it directly too, so the main path reads left to right."""
    graph = Graph(
        [Node("menu"), Node("info"), Node("bye")],
        [Edge("menu", "info"), Edge("menu", "bye"), Edge("info", "bye")],
        start="menu",
    )
    plan = layout(graph)
    assert [plan.boxes[k].rank for k in ("menu", "info", "bye")] == [0, 1, 2]
    assert not any(is_back for *_, is_back in plan.paths)


def big_graph(n=100, seed=7) -> Graph:
    rng = random.Random(seed)
    nodes = [Node(f"step-{i}", f"Text {i} " * 8, "ask") for i in range(n)]
    edges = []
    for i in range(1, n):
        edges.append(Edge(f"step-{rng.randrange(max(0, i - 6), i)}", f"step-{i}", f"“{i}”"))
    for _ in range(n):
        a, b = rng.randrange(n), rng.randrange(n)
        edges.append(Edge(f"step-{a}", f"step-{b}", rng.choice(["timeout", "no match", ""])))
    return Graph(nodes, edges, start="step-0")


def test_100_nodes_never_overlap_nor_do_their_labels():
    graph = big_graph()
    plan = layout(graph)
    boxes = [plan.boxes[n.key] for n in graph.nodes]
    for a, b in itertools.combinations(boxes, 2):
        apart_x = a.x + 200 <= b.x or b.x + 200 <= a.x
        apart_y = a.y + a.h <= b.y or b.y + b.h <= a.y
        assert apart_x or apart_y, (a.key, b.key)
    for box in boxes:
        assert box.x >= 0 and box.x + 200 <= plan.width
        assert box.y >= 0 and box.y + box.h <= plan.height
    # A label sits above its edge's first stretch, in its column's lane: two
    # labels collide only if they start at the same x less than a line apart.
    starts = sorted((round(x), y) for edge, _, (x, y), _ in plan.paths if edge.label)
    for (x1, y1), (x2, y2) in itertools.pairwise(starts):
        assert x1 != x2 or y2 - y1 >= PORT_GAP - 0.01, (x1, y1, y2)
    assert len(svg_of(draw(graph)).findall(f".//{SVG}a")) == 0  # no urls given
    assert all(path.startswith("M") for _, path, _, _ in plan.paths)


def test_100_nodes_are_laid_out_in_one_pass_whatever_the_loops():
    graph = big_graph(seed=11)
    html = draw(graph)
    assert html.count('class="hatid-graph-node') == 100
    assert "data-node" in html and "hatid-graph-scroll" in html


def test_operator_text_is_escaped_in_the_drawing():
    evil = '<script>alert(1)</script>"><svg onload=alert(2)>'
    graph = Graph(
        [
            Node(evil, text=f"</text><image href=x onerror=alert(3)>{evil}", url='/s/1/"x'),
            Node("b&c", text="Tom & Jerry", kind="<b>say</b>", note="<i>"),
        ],
        [Edge(evil, "b&c", label=f"</text>{evil}")],
        start=evil,
    )
    html = str(draw(graph))
    assert "<script" not in html and "<image" not in html and "<svg onload" not in html
    drawn = svg_of(html)
    texts = "".join(drawn.itertext())
    assert "Tom & Jerry" in texts and "<script>alert(1)</script>" in texts
    links = [a.get("href") for a in drawn.iter(f"{SVG}a")]
    assert links == ['/s/1/"x']
    assert not [el for el in drawn.iter() if any(k.startswith("on") for k in el.attrib)]


def test_nothing_to_draw_says_so():
    assert "No screens yet." in draw(Graph([], [], noun="screen", nouns="screens"))


def test_many_unreachable_names_are_cut_short():
    graph = Graph([Node("start")] + [Node(f"n{i}") for i in range(20)], [], start="start")
    html = draw(graph)
    assert "20 steps cannot be reached from the start: n0, n1" in html
    assert "n11 and 8 more" in html
