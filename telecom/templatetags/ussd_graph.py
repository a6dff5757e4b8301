"""`{% ussd_menu_graph original %}`: the menu's graph on its change page
(templates/admin/telecom/ussdmenu/change_form.html)."""

from django import template

from telecom.admin.ussd_graph import menu_graph_html

register = template.Library()


@register.simple_tag
def ussd_menu_graph(menu):
    if menu is None or not menu.pk:
        return ""
    return menu_graph_html(menu)
