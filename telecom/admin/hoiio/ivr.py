"""Hoiio IVR sessions in the console: start one from a plan of blocks, follow
its steps and what the caller did."""

import json

from django import forms
from django.contrib import admin

from telecom.admin.base import NumberSearch, ReadOnlyAdmin, ReadOnlyInline, ServiceFormMixin
from telecom.admin.hoiio.common import hoiio_apps
from telecom.models import IvrSession, IvrStep
from telecom.services.hoiio import ivr as hoiio_ivr


class StepInline(ReadOnlyInline):
    model = IvrStep
    fields = ["index", "kind", "params", "status", "result", "attempts", "last_error"]


class IvrForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    dest = forms.CharField(label="Number to call")
    greeting = forms.CharField(required=False, help_text="Played when the call is answered.")
    steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "class": "hatid-mono"}),
        initial='[{"kind": "gather", "msg": "Press 1 to confirm.", "max_digits": 1, '
        '"name": "answer"}, {"kind": "hangup", "msg": "Thank you."}]',
        help_text="A JSON list of steps: play, gather, record, monitor, transfer, hangup "
        "(see telecom/hoiio/ivr_steps.py).",
    )

    def clean_steps(self):
        try:
            return json.loads(self.cleaned_data["steps"])
        except ValueError as exc:
            raise forms.ValidationError(f"Not JSON: {exc}") from None


@admin.register(IvrSession)
class IvrSessionAdmin(NumberSearch, ServiceFormMixin, ReadOnlyAdmin):
    number_fields = ("dest",)
    list_display = ["created_at", "dest", "direction", "status", "call_state", "position", "app"]
    list_filter = ["status", "app"]
    search_fields = ["dest", "=session", "=tag"]
    inlines = [StepInline]

    add_form, add_service = IvrForm, staticmethod(hoiio_ivr.start_ivr)
    add_permission, add_title, add_submit = "telecom.run_ivrsession", "IVR session", "Dial"
