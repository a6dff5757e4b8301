"""`{% voice_flow_graph original %}`: the flow's graph on its change page
(templates/admin/voiceflows/voiceflow/change_form.html)."""

from django import template

from voiceflows.admin.graph import flow_graph_html

register = template.Library()


@register.simple_tag
def voice_flow_graph(flow):
    if flow is None or not flow.pk:
        return ""
    return flow_graph_html(flow)
