"""The voice flow's graph (`voiceflows/admin/graph.py`) on its change page:
steps as nodes with what they say, routes as labelled edges, what ends a call
as the engine says, a route to another app as an exit, in two queries
whatever the flow's size."""

import pytest
from django.urls import reverse

from telecom.roles import VIEWERS
from tests.support.voice_flows import MENU_FLOW
from voiceflows.admin.graph import flow_graph, step_text
from voiceflows.demo import ensure_demo_voice
from voiceflows.models import Route, Step
from voiceflows.services.flows import import_flow, say_step
from voiceflows.templatetags.voiceflow_graph import voice_flow_graph

from .test_voice_admin import staff

pytestmark = pytest.mark.django_db


def edges_of(graph):
    return {(e.source, e.target, e.label, e.leads_on) for e in graph.edges}


def test_the_menu_flow_as_nodes_and_labelled_edges(menu_flow):
    graph = flow_graph(menu_flow)

    keys = ["greet", "menu", "promo", "message", "agent", "bye", "end"]
    assert [n.key for n in graph.nodes] == keys
    assert graph.start == "greet"
    menu = graph.by_key["menu"]
    assert (menu.kind, menu.text) == ("ask", "Press 1 for today's promo, 2 to leave a message.")
    assert graph.by_key["promo"].kind == "say · sms"
    assert graph.by_key["end"].terminal and not graph.by_key["bye"].terminal
    assert graph.by_key["agent"].text == "to 9171112222"
    assert {
        ("greet", "menu", "", True),
        ("menu", "promo", "“1”", True),
        ("menu", "message", "“2”", True),
        ("menu", "bye", "timeout", True),
        ("menu", "bye", "no match", True),
    } <= edges_of(graph)
    assert graph.by_key["promo"].url == reverse(
        "admin:voiceflows_step_change", args=[Step.objects.get(flow=menu_flow, key="promo").pk]
    )


def test_the_flow_start_is_its_start_step_else_its_first(menu_flow):
    menu_flow.start_step = Step.objects.get(flow=menu_flow, key="menu")
    menu_flow.save()
    graph = flow_graph(menu_flow)
    assert graph.start == "menu"
    assert graph.unreachable() == ["greet"]


def test_a_route_to_another_app_is_an_exit_and_a_hang_up_route_no_way_on(globe_app):
    flow = import_flow(
        app=globe_app,
        data={
            "slug": "handover",
            "start": "hello",
            "steps": [
                {
                    "key": "hello",
                    "verb": "say",
                    "options": {"value": "Hi"},
                    "routes": [{"on": "continue", "url": "https://other.example/tropo"}],
                },
                {
                    "key": "lonely",
                    "verb": "say",
                    "options": {"value": "Nobody hears this"},
                    "routes": [{"on": "hangup", "goto": "hello"}],
                },
            ],
        },
    )
    graph = flow_graph(flow)

    exit_node = graph.by_key["→ https://other.example/tropo"]
    assert exit_node.exit and not exit_node.url
    assert graph.dead_ends() == ["lonely"]
    assert graph.unreachable() == ["lonely"]
    assert ("lonely", "hello", "caller hangs up", False) in edges_of(graph)


def test_step_text_reads_each_verbs_words():
    assert step_text("say", {"value": "Hello"}) == "Hello"
    prompts = [{"value": "Nope", "event": "nomatch"}, {"value": "Pick"}]
    assert step_text("ask", {"say": prompts}) == "Pick"
    assert step_text("record", {"say": {"value": "After the beep"}}) == "After the beep"
    assert step_text("transfer", {"to": ["917", "918"]}) == "to 917, 918"
    assert step_text("wait", {"milliseconds": 500}) == "500 ms"
    assert step_text("hangup", {}) == "" and step_text("say", "not a dict") == ""


def test_the_graph_reads_a_100_step_flow_in_two_queries(globe_app, django_assert_num_queries):
    steps = [
        say_step(f"s{i}", f"Step {i}", f"s{i + 1}", routes=[{"on": "hangup", "goto": "s0"}])
        for i in range(99)
    ] + [{"key": "s99", "verb": "hangup"}]
    flow = import_flow(app=globe_app, data={"slug": "long", "start": "s0", "steps": steps})

    with django_assert_num_queries(2):
        html = voice_flow_graph(flow)

    assert html.count('class="hatid-graph-node') == 100
    assert "Every step can be reached" in html


def test_the_change_page_draws_the_demo_flow_for_a_viewer(
    client, globe_app, django_assert_max_num_queries
):
    flow = ensure_demo_voice(globe_app).default_flow
    client.force_login(staff("victor", VIEWERS))

    # The page's own inlines cost queries per step; the graph adds two in all.
    with django_assert_max_num_queries(80):
        page = client.get(reverse("admin:voiceflows_voiceflow_change", args=[flow.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="flow-graph"' in html and html.count('class="hatid-graph-node') == 6
    assert 'data-node="greeting"' in html and "Welcome to Hatid&#x27;s demo line." in html
    assert html.index('id="flow-graph"') < html.index('id="steps-group"')


def test_the_change_page_lists_what_is_wrong(admin_client, globe_app):
    flow = import_flow(app=globe_app, data=MENU_FLOW)
    Step.objects.create(flow=flow, key="forgotten", verb="say", options={"value": "<b>hi</b>"})
    Route.objects.filter(step__flow=flow, step__key="bye").delete()

    page = admin_client.get(reverse("admin:voiceflows_voiceflow_change", args=[flow.pk]))
    html = page.content.decode()

    assert "2 steps cannot be reached from the start: forgotten, end" in html
    # A transfer is no end of the call to the engine (`engine.TERMINAL`) either.
    assert "3 steps are dead ends (no way on, and not an end): forgotten, agent, bye" in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html
