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


class ChargeForm(forms.Form):
    amount = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0.01)
    description = forms.CharField(max_length=100, help_text="Shown on the subscriber's bill.")
    duration_days = forms.IntegerField(
        min_value=0, max_value=366, initial=0, help_text="0 for a one-time charge."
    )


class RewardForm(forms.Form):
    promo = forms.ChoiceField(help_text="Promos configured for the selected subscribers' apps.")

    def __init__(self, *args, promos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promo"].choices = [(code, code) for code in promos]


class PushUssdForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A notice: the session ends after it.",
    )
    menu = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Or open this menu on the handset."
    )

    def __init__(self, *args, menus=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["menu"].queryset = menus

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("menu"):
            raise forms.ValidationError("Give a text or choose a menu.")
        return cleaned
