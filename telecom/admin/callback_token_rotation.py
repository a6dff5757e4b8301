"""Rotating an app's callback token from its page in the console: a button for
users who may change the app (not only its retention periods), a confirmation
page where the operator picks how long the old URIs keep working (default 7
days), then the app's page again, showing the new URIs. The work is
telecom.services.callback_tokens'.

A mixin of ProviderAppAdmin, apart from it: one URL, one view, its own
templates (admin/telecom/providerapp/).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone

from telecom.errors import ServiceError
from telecom.models import ProviderApp
from telecom.services.callback_tokens import DEFAULT_GRACE, MAX_GRACE, rotate_callback_token


class RotateCallbackTokenForm(forms.Form):
    grace_days = forms.IntegerField(
        label="Keep the current URIs working for (days)",
        min_value=0,
        max_value=MAX_GRACE.days,
        initial=DEFAULT_GRACE.days,
        help_text="Time to paste the new URIs into the provider's portal. "
        "0 stops the current URIs at once (a leaked token).",
    )


class CallbackTokenRotationMixin:
    rotate_template = "admin/telecom/providerapp/rotate_callback_token.html"

    def may_change_app(self, request) -> bool:
        """Whether the user may change the app itself (credentials, token), not only
        what an Operator may (its retention periods)."""
        return request.user.has_perm("telecom.change_providerapp")

    def render_change_form(self, request, context, *args, **kwargs):
        context["may_change_app"] = self.may_change_app(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/rotate-callback-token/",
                self.admin_site.admin_view(self.rotate_callback_token_view),
                name="telecom_providerapp_rotate_callback_token",
            ),
            *super().get_urls(),
        ]

    def rotate_callback_token_view(self, request, object_id):
        # Refused before the lookup: who may not rotate learns nothing of which apps exist.
        if not self.may_change_app(request):
            raise PermissionDenied
        app = self.get_object(request, unquote(object_id))
        if app is None or app.provider == ProviderApp.Provider.VOICENT:
            raise Http404("No such app with callbacks.")
        if not self.may_change_app(request):
            raise PermissionDenied
        form = RotateCallbackTokenForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                rotation = rotate_callback_token(
                    app=app, grace=timedelta(days=form.cleaned_data["grace_days"])
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                until = rotation.old_accepted_until
                old = "the old ones no longer work"
                if until:
                    when = formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")
                    old = f"the old ones work until {when}"
                self.log_change(request, rotation.app, f"Rotated the callback token; {old}.")
                self.message_user(
                    request,
                    f"New callback URIs below: paste them into the provider's portal; {old}.",
                    messages.WARNING,
                )
                return redirect(reverse("admin:telecom_providerapp_change", args=[app.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Rotate the callback token of {app}",
            "opts": self.opts,
            "original": app,
            "form": form,
        }
        return TemplateResponse(request, self.rotate_template, context)
