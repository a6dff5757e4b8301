"""The USSD menu page's screens: one compact card per screen, and a menu
screen's numbered options edited inside its card (Django's admin has no
nested inlines: each screen form carries its options' formset).

Options and input screens name the screen they lead to by a reference
(`telecom.services.ussd_menus`): an existing screen's id, or `new-<n>` for
the card added as form n of this page, so that a screen and the options
leading to it are saved in one request. Saving goes through
`save_menu_screens`; the checks that need the whole page (a key used twice,
an option leading to a screen being removed) are here, beside the field
they are about.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from telecom.models import Partner, UssdScreen
from telecom.services.ussd_menus import OptionPlan, ScreenPlan, new_ref, save_menu_screens
from telecom.steps.forms import ACTION_FIELDS, StepActionForm

NOT_THIS_MENU = "Choose one of this menu's screens."
MAX_SCREENS = 100
MAX_OPTIONS = 20
small = {"class": "ussd-small"}
# A screen's own fields, as its page and its card both edit them.
SCREEN_FIELDS = ["key", "kind", "text", "variable", "validation", "min_length", "max_length"]
SHORT_KINDS = [("menu", "Menu"), ("input", "Input"), ("end", "End")]
MORE_ACTION_FIELDS = [
    "action_amount",
    "action_description",
    "action_promo",
    "action_tag",
    "action_partner",
]


class OptionForm(forms.Form):
    position = forms.IntegerField(
        min_value=0, max_value=99, widget=forms.NumberInput(attrs={"class": "ussd-number"})
    )
    label = forms.CharField(
        max_length=60, widget=forms.TextInput(attrs={"class": "ussd-label", "data-label": ""})
    )
    target = forms.ChoiceField(
        error_messages={"invalid_choice": NOT_THIS_MENU},
        widget=forms.Select(attrs={"data-screen-ref": ""}),
    )

    def __init__(self, *args, refs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "— screen —"), *refs]


class BaseOptionFormSet(forms.BaseFormSet):
    """A screen's options; `required` when the screen is (or is becoming) a menu."""

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required

    @property
    def empty_form(self):
        # Its own placeholder: the new screen card's template, which holds this
        # one, has its `__prefix__` replaced when the card is added.
        form = self.form(
            **self.get_form_kwargs(None),
            auto_id=self.auto_id,
            prefix=self.add_prefix("__option__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.form_renderer,
        )
        self.add_fields(form, None)
        return form

    def kept(self) -> list[forms.Form]:
        """The options left once saved: those shown, and those added and filled in."""
        return [
            form
            for i, form in enumerate(self.forms)
            if (i < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]

    def clean(self):
        seen = set()
        for form in self.kept():
            number = form.cleaned_data.get("position")
            if number is None:
                continue
            if number in seen:
                form.add_error("position", f"Another option of this screen is number {number}.")
            seen.add(number)
        if self.required and not self.kept():
            raise ValidationError("A menu screen needs at least one option.")


OptionFormSet = forms.formset_factory(
    OptionForm,
    formset=BaseOptionFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_OPTIONS,
    absolute_max=MAX_OPTIONS,
    validate_max=True,
)


class ScreenCardForm(StepActionForm):
    next_ref = forms.ChoiceField(
        required=False,
        label="then",
        error_messages={"invalid_choice": NOT_THIS_MENU},
        widget=forms.Select(attrs={"data-screen-ref": ""}),
    )

    class Meta:
        model = UssdScreen
        fields = [*SCREEN_FIELDS, *ACTION_FIELDS, "action_partner"]
        labels = {
            "action_amount": "amount",
            "action_description": "description",
            "action_promo": "promo",
            "action_tag": "tag",
            "action_partner": "partner",
        }
        widgets = {
            "key": forms.TextInput(attrs={"class": "ussd-key", "data-key": ""}),
            "kind": forms.Select(attrs={"data-kind": ""}),
            "text": forms.Textarea(attrs={"rows": 1, "class": "ussd-text", "data-text": ""}),
            "variable": forms.TextInput(attrs=small),
            "min_length": forms.NumberInput(attrs={"class": "ussd-number"}),
            "max_length": forms.NumberInput(attrs={"class": "ussd-number"}),
            "action_text": forms.Textarea(attrs={"rows": 1, "class": "ussd-text"}),
            "action_amount": forms.TextInput(attrs=small),
            "action_description": forms.TextInput(attrs={"class": "ussd-medium"}),
            "action_promo": forms.TextInput(attrs=small),
            "action_tag": forms.TextInput(attrs=small),
        }

    def __init__(self, *args, refs=(), partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_ref"].choices = [("", "— next screen —"), *refs]
        self.fields["kind"].choices = SHORT_KINDS
        # A plain select (no add/change links), its choices read once for the
        # whole page rather than once per card.
        partner = self.fields["action_partner"]
        partner.widget = forms.Select(attrs=getattr(partner.widget, "widget", partner.widget).attrs)
        if partners is not None:
            self.fields["action_partner"].choices = partners
        screen = self.instance
        if screen.pk and screen.next_screen_id:
            self.initial.setdefault("next_ref", str(screen.next_screen_id))
        initial = (
            [
                {"position": o.position, "label": o.label, "target": str(o.target_id)}
                for o in sorted(screen.options.all(), key=lambda o: o.position)
            ]
            if screen.pk
            else []
        )
        self.options = OptionFormSet(
            self.data if self.is_bound else None,
            prefix=f"{self.prefix}-options",
            initial=initial,
            form_kwargs={"refs": refs},
            required=self.raw_kind() == UssdScreen.Kind.MENU,
        )

    @property
    def more_action_fields(self):
        return [self[name] for name in MORE_ACTION_FIELDS]

    def raw_kind(self) -> str:
        return self["kind"].value() or ""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind != UssdScreen.Kind.END:
            # The card shows an action only when the screen ends the session.
            cleaned.update({name: "" for name in ACTION_FIELDS}, action_partner=None)
        if kind != UssdScreen.Kind.INPUT:
            cleaned["next_ref"] = ""
        elif not cleaned.get("next_ref") and "next_ref" not in self.errors:
            self.add_error("next_ref", "Where to go once the answer is in.")
        return cleaned

    def has_changed(self):
        return super().has_changed() or (bool(self.instance.pk) and self.options.has_changed())


class ScreenFormSet(BaseInlineFormSet):
    """The menu's screens, each with its options; saved as one edit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refs = [(str(s.pk), s.key) for s in self.get_queryset()]
        if self.is_bound:
            for i in range(self.initial_form_count(), self.total_form_count()):
                key = str(self.data.get(f"{self.add_prefix(i)}-key", ""))[:40]
                self.refs.append((new_ref(i), key or f"new screen {i + 1}"))
        self.partners = [("", "---------"), *((p.pk, str(p)) for p in Partner.objects.all())]

    def get_form_kwargs(self, index):
        return {"refs": self.refs, "partners": self.partners}

    def ref_of(self, index: int, form) -> str:
        return str(form.instance.pk) if form.instance.pk else new_ref(index)

    def kept(self) -> dict[str, forms.ModelForm]:
        """The screens that will be there once saved, by reference."""
        return {
            self.ref_of(i, form): form
            for i, form in enumerate(self.forms)
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        }

    def menus(self):
        return [
            form
            for form in self.kept().values()
            if form.cleaned_data.get("kind", form.raw_kind()) == UssdScreen.Kind.MENU
        ]

    def clean(self):
        kept = self.kept()
        keys: dict[str, str] = {}
        for ref, form in kept.items():
            key = form.cleaned_data.get("key")
            if key and key in keys:
                form.add_error("key", f"Another screen of this menu is called {key!r}.")
            elif key:
                keys[key] = ref
            next_ref = form.cleaned_data.get("next_ref")
            if next_ref and next_ref not in kept:
                form.add_error("next_ref", "That screen is being removed or left empty.")
        for form in self.menus():
            if not form.options.is_valid():
                continue
            for option in form.options.kept():
                target = option.cleaned_data.get("target")
                if target and target not in kept:
                    option.add_error("target", "That screen is being removed or left empty.")
        super().clean()

    def is_valid(self):
        valid = super().is_valid()
        return all([form.options.is_valid() for form in self.menus()]) and valid

    def save(self, commit=True):
        kept = self.kept()
        menus = self.menus()
        plans = [
            ScreenPlan(
                ref,
                form.save(commit=False),
                form.cleaned_data.get("next_ref", ""),
                [
                    OptionPlan(
                        o.cleaned_data["position"],
                        o.cleaned_data["label"],
                        o.cleaned_data["target"],
                    )
                    for o in (form.options.kept() if form in menus else [])
                ],
            )
            for ref, form in kept.items()
        ]
        deleted = [form.instance for form in self.deleted_forms if form.instance.pk]
        changed = {ref: form for ref, form in kept.items() if form.has_changed()}
        save_menu_screens(menu=self.instance, screens=plans, deleted=deleted)
        # What the admin's history records.
        self.new_objects = [f.instance for ref, f in changed.items() if ref.startswith("new-")]
        self.changed_objects = [
            (f.instance, f.changed_data) for ref, f in changed.items() if not ref.startswith("new-")
        ]
        self.deleted_objects = deleted
        return [form.instance for form in changed.values()]


class UssdScreenCards(admin.StackedInline):
    """The screens on their menu's page, as cards (`screens_editor.html`)."""

    model = UssdScreen
    form = ScreenCardForm
    formset = ScreenFormSet
    fk_name = "menu"
    extra = 0
    max_num = MAX_SCREENS
    template = "admin/telecom/ussdmenu/screens_editor.html"
    verbose_name_plural = "screens"

    class Media:
        js = ["hatid/ussd_menu_editor.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("next_screen")
            .prefetch_related("options__target")
        )

    def get_formset(self, request, obj=None, **kwargs):
        # Posted form counts beyond this are refused, not built and shown.
        kwargs.setdefault("absolute_max", MAX_SCREENS)
        formset = super().get_formset(request, obj, **kwargs)
        formset.screen_limit = settings.USSD_SCREEN_LIMIT
        return formset
