"""A `telecom.steps.graph.Graph` drawn as inline SVG on the server, with its
legend and the list of what is wrong (unreachable nodes, dead ends): no
script, no library. Colours are classes (`hatid-graph-*` in
telecom/static/hatid/admin.css) over the admin's colour variables, so the
drawing follows the light and the dark theme, as the home page's charts do.

Every text in it is an operator's (a step's key and words, a route's answer):
it goes through `format_html`, never into markup as it is.
"""

import textwrap

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from telecom.steps.graph import LABEL_CHARS, NODE_W, Graph, layout

KEY_CHARS, TEXT_CHARS, KIND_CHARS = 20, 30, 12
TEXT_LINE = 14
SHOWN_NAMES = 12

LEGEND = (
    ("start", "the start"),
    ("end", "ends on purpose"),
    ("dead", "dead end"),
    ("unreachable", "cannot be reached"),
    ("exit", "leaves the flow"),
)


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join(parts) -> str:
    return mark_safe("".join(parts))  # noqa: S308 (each part is format_html's)


def wrap(text: str, lines: int) -> list[str]:
    """`text` on at most `lines` lines of `TEXT_CHARS`, the last one clipped."""
    flat = " ".join(str(text).split())
    wrapped = textwrap.wrap(flat, TEXT_CHARS, break_long_words=True) or ["—"]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], clip(rest, TEXT_CHARS)]
    return wrapped


def _node(node, box, classes: str):
    room = max(1, int((box.h - 24) // TEXT_LINE))
    lines = format_html(
        '<text class="hatid-graph-key" x="{}" y="{}">{}</text>'
        '<text class="hatid-graph-kind" x="{}" y="{}" text-anchor="end">{}</text>{}',
        f"{box.x + 9:.1f}",
        f"{box.y + 17:.1f}",
        clip(node.key, KEY_CHARS),
        f"{box.x + NODE_W - 8:.1f}",
        f"{box.y + 17:.1f}",
        clip(node.kind, KIND_CHARS),
        format_html_join(
            "",
            '<text class="hatid-graph-text" x="{}" y="{}">{}</text>',
            (
                (f"{box.x + 9:.1f}", f"{box.y + 34 + i * TEXT_LINE:.1f}", line)
                for i, line in enumerate(wrap(node.text, room))
            ),
        ),
    )
    tip = " · ".join(p for p in (node.key, node.kind, node.note, node.text) if p)
    inner = format_html(
        '<title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="6"/>{}',
        tip,
        f"{box.x:.1f}",
        f"{box.y:.1f}",
        NODE_W,
        f"{box.h:.1f}",
        lines,
    )
    if node.url:
        return format_html(
            '<a class="{}" href="{}" data-node="{}">{}</a>', classes, node.url, node.key, inner
        )
    return format_html('<g class="{}" data-node="{}">{}</g>', classes, node.key, inner)


def draw(graph: Graph) -> str:
    """The figure: the legend, the drawing in a scrolling frame, what is wrong."""
    if not graph.nodes:
        return format_html('<p class="hatid-quiet">No {} yet.</p>', graph.nouns)
    plan = layout(graph)
    unreachable, dead = set(graph.unreachable()), set(graph.dead_ends())
    edges = format_html_join(
        "",
        '<path class="hatid-graph-edge{}" d="{}" marker-end="url(#hatid-graph-arrow)"/>',
        ((" back" if back else "", path) for _, path, _, back in plan.paths),
    )
    labels = format_html_join(
        "",
        '<text class="hatid-graph-label" x="{}" y="{}"><title>{}</title>{}</text>',
        (
            (f"{lx:.1f}", f"{ly:.1f}", edge.label, clip(edge.label, LABEL_CHARS))
            for edge, _, (lx, ly), _ in plan.paths
            if edge.label
        ),
    )
    nodes = []
    for node in graph.nodes:
        flags = [
            "start" if node.key == graph.start else "",
            "end" if node.terminal else "",
            "exit" if node.exit else "",
            "dead" if node.key in dead else "",
            "unreachable" if node.key in unreachable else "",
        ]
        classes = " ".join(["hatid-graph-node", *(f for f in flags if f)])
        nodes.append(_node(node, plan.boxes[node.key], classes))
    start = ""
    if graph.start in plan.boxes:
        box = plan.boxes[graph.start]
        start = format_html(
            '<path class="hatid-graph-edge start" d="M8,{} H{}" '
            'marker-end="url(#hatid-graph-arrow)"/>'
            '<text class="hatid-graph-label" x="8" y="{}">start</text>',
            f"{box.middle:.1f}",
            f"{box.x - 2:.1f}",
            f"{box.middle - 5:.1f}",
        )
    svg = format_html(
        '<svg class="hatid-graph-svg" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="group" aria-label="{}">'
        '<defs><marker id="hatid-graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path class="hatid-graph-arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>'
        "{}{}{}{}</svg>",
        f"{plan.width:.0f}",
        f"{plan.height:.0f}",
        f"{plan.width:.0f}",
        f"{plan.height:.0f}",
        f"The {graph.nouns} and where each leads",
        edges,
        start,
        _join(nodes),
        labels,
    )
    return format_html(
        '<div class="hatid-graph" data-step-graph>{}'
        '<div class="hatid-graph-scroll">{}</div>{}</div>',
        legend(),
        svg,
        problems(graph, [n.key for n in graph.nodes if n.key in unreachable], graph.dead_ends()),
    )


def legend():
    return format_html(
        '<p class="hatid-graph-legend">{}'
        '<span><i class="hatid-graph-swatch back"></i>goes back</span></p>',
        format_html_join(
            "",
            '<span><i class="hatid-graph-swatch {}"></i>{}</span>',
            LEGEND,
        ),
    )


def _named(keys: list[str]) -> str:
    shown = ", ".join(keys[:SHOWN_NAMES])
    more = len(keys) - SHOWN_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def problems(graph: Graph, unreachable: list[str], dead: list[str]):
    """What is wrong, in words, under the drawing (a colour alone is easy to miss)."""
    rows = []
    if unreachable:
        rows.append(
            (
                "unreachable",
                f"{len(unreachable)} {graph.noun if len(unreachable) == 1 else graph.nouns} "
                f"cannot be reached from the start: {_named(unreachable)}",
            )
        )
    if dead:
        rows.append(
            (
                "dead",
                f"{len(dead)} {graph.noun if len(dead) == 1 else graph.nouns} "
                f"{'is a dead end' if len(dead) == 1 else 'are dead ends'} "
                f"(no way on, and not an end): {_named(dead)}",
            )
        )
    if not rows:
        return format_html(
            '<p class="hatid-graph-ok">Every {} can be reached, and each leads on or ends.</p>',
            graph.noun,
        )
    return format_html(
        '<ul class="hatid-graph-problems">{}</ul>',
        format_html_join("", '<li class="{}">{}</li>', rows),
    )
