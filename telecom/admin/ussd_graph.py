"""A USSD menu as a graph for its change page: each screen a node (its key,
its kind and text), each numbered option of a menu screen an edge to its
screen, an input screen's answer an edge to its next screen. As the engine
walks them (`telecom.ussd.engine.advance`): an end screen closes the session
on purpose; a menu screen without options, or an input screen without a next
screen, holds the subscriber there: a dead end. Drawn by
`telecom.steps.graph_svg`."""

from django.urls import reverse

from telecom.models import UssdMenu, UssdScreen
from telecom.steps.graph import Edge, Graph, Node
from telecom.steps.graph_svg import draw


def menu_graph(menu: UssdMenu) -> Graph:
    """The menu's screens and options, read in two queries whatever their number."""
    screens = list(UssdScreen.objects.filter(menu=menu).prefetch_related("options"))
    keys = {screen.pk: screen.key for screen in screens}
    nodes, edges = [], []
    for screen in screens:
        nodes.append(
            Node(
                key=screen.key,
                text=screen.text,
                kind=screen.kind + (f" · {screen.action}" if screen.action else ""),
                url=reverse("admin:telecom_ussdscreen_change", args=[screen.pk]),
                terminal=screen.kind == UssdScreen.Kind.END,
                note=screen.get_action_display() if screen.action else "",
            )
        )
        if screen.kind == UssdScreen.Kind.MENU:
            for option in sorted(screen.options.all(), key=lambda o: o.position):
                if option.target_id in keys:
                    label = f"{option.position}. {option.label}"
                    edges.append(Edge(screen.key, keys[option.target_id], label))
        elif screen.kind == UssdScreen.Kind.INPUT and screen.next_screen_id in keys:
            label = f"{{{screen.variable}}} typed" if screen.variable else "typed"
            edges.append(Edge(screen.key, keys[screen.next_screen_id], label))
    start = keys.get(menu.start_screen_id) or (screens[0].key if screens else "")
    return Graph(nodes, edges, start=start, noun="screen", nouns="screens")


def menu_graph_html(menu: UssdMenu) -> str:
    return draw(menu_graph(menu))
