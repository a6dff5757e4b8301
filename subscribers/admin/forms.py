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


class ImportForm(forms.Form):
    """The upload: which app, which file. The file's size and layout are
    checked here, before anything is kept (`read_layout`)."""

    app = forms.ModelChoiceField(
        queryset=None, help_text="The numbers become this app's subscribers or recipients."
    )
    file = forms.FileField(
        help_text=(
            "A CSV whose first line names the columns: number (or msisdn, mobile, phone), "
            "optionally tags (separated by ;), any others become attributes. "
            "UTF-8 or Windows/Excel encodings."
        )
    )

    def __init__(self, *args, **kwargs):
        from telecom.models.provider_app import ProviderApp

        super().__init__(*args, **kwargs)
        self.fields["app"].queryset = ProviderApp.objects.order_by("name")

    def clean_file(self) -> bytes:
        from django.conf import settings

        from subscribers.services.import_csv import read_layout
        from telecom.errors import ServiceError

        upload = self.cleaned_data["file"]
        limit = settings.SUBSCRIBER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; at most {limit / 1e6:.0f} MB "
                "(split it into several imports)."
            )
        data = upload.read()
        try:
            read_layout(data)
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from None
        self.file_name = upload.name or "upload.csv"
        return data


class EraseForm(forms.Form):
    apps = forms.ChoiceField(
        label="Forget the number",
        choices=[
            ("this", "in the subscriber's own app only"),
            ("all", "in every app"),
        ],
        initial="this",
        widget=forms.RadioSelect,
        help_text="A number subscribed to several apps is one subscriber in each: "
        "“every app” erases them all.",
    )
