"""Forms behind the subscriber actions that need more input."""

from django import forms

from subscribers.models import BalanceQuery


class TagForm(forms.Form):
    tag = forms.CharField(max_length=50, help_text="An existing or new tag, e.g. vip.")
    remove = forms.BooleanField(required=False, label="Remove this tag instead of adding it")


class ChargingOptInForm(forms.Form):
    amount = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0.01)
    duration_days = forms.IntegerField(
        min_value=0, max_value=366, initial=0, help_text="0 for a one-time charge."
    )


class BalanceForm(forms.Form):
    kind = forms.ChoiceField(
        choices=BalanceQuery.Kind.choices,
        initial=BalanceQuery.Kind.BALANCE,
        widget=forms.RadioSelect,
        help_text="What to ask the platform; it answers in pesos.",
    )


class LocateForm(forms.Form):
    requested_accuracy = forms.IntegerField(
        min_value=1, max_value=10_000, initial=100, help_text="Metres; finer takes longer."
    )
