"""The virtual handset page at `/` of the sandbox.

One page, no external assets: pick or create a number, read its inbox, text
a short code, dial USSD and answer menus. Everything it does goes through
the control API (`/_sandbox/...`), so what a person does here is exactly
what a test does.
"""

from django.shortcuts import render

from sandbox.csp import with_csp
from sandbox.models import App


@with_csp
def page(request):
    apps = App.objects.order_by("id")
    return render(request, "sandbox/handset.html", {"apps": apps})
