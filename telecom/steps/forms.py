"""An action's fields in the console, the same on a USSD screen's form and a
voice step's: their names, their layout, the choices a kind of step offers,
and `SwitchedFields`, which shows only the fields the chosen value of another
field uses (a step's action; a voice step's verb)."""

from typing import ClassVar

from django import forms
from django.forms.models import BaseInlineFormSet

# The fields of `StepAction` an import, an export or a form names (the
# partner aside: forms pick it, flows name it).
ACTION_FIELDS = (
    "action",
    "action_text",
    "action_amount",
    "action_description",
    "action_promo",
    "action_tag",
)
# How an inline lays them out: the action and its text, then the rest.
ACTION_FIELDSET = [
    ("action", "action_text", "action_template"),
    ("action_amount", "action_description", "action_promo", "action_tag", "action_partner"),
]
SWITCHED_FIELDS_JS = "hatid/switched_fields.js"


class SwitchedFields:
    """A form mixin for fields that only mean something for some values of
    another field, the switch: a subclass sets `switches`, `{switch: {value:
    (field, ...)}}`.

    The form marks them for `hatid/switched_fields.js` (in its media): the
    switch's widget gets `data-switch="<switch>"`, each field it governs
    `data-switched-by="<switch>"` and `data-shown-for="<value> <value>"`. The
    script shows, in the switch's own inline or form, only the fields of the
    value chosen, and follows every change. Without the script every field
    shows and the server decides alike: `clean` empties the fields the chosen
    value does not use, and drops their errors, so a stale value typed for
    another choice is neither kept nor in the way.
    """

    switches: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {}

    class Media:
        js = (SWITCHED_FIELDS_JS,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for switch in self.switches:
            if switch in self.fields:
                _widget(self.fields[switch]).attrs["data-switch"] = switch
            for name, values in self.switched_by(switch).items():
                if name in self.fields:
                    attrs = _widget(self.fields[name]).attrs
                    attrs["data-switched-by"] = switch
                    attrs["data-shown-for"] = " ".join(values)

    def switched_by(self, switch: str) -> dict[str, list[str]]:
        """Each field `switch` governs, with the values it shows for."""
        shown: dict[str, list[str]] = {}
        for value, names in self.switches[switch].items():
            for name in names:
                shown.setdefault(name, []).append(str(value))
        return shown

    def clean(self):
        cleaned = super().clean()
        for switch in self.switches:
            if switch not in cleaned:
                continue
            used = set(self.switches[switch].get(cleaned[switch], ()))
            for name in self.switched_by(switch):
                if name in used or name not in self.fields:
                    continue
                self._errors.pop(name, None)
                cleaned[name] = self.fields[name].to_python("")
        return cleaned


def _widget(field: forms.Field) -> forms.Widget:
    """The widget that renders the input (the admin wraps a link's select)."""
    return getattr(field.widget, "widget", field.widget)


class StepActionForm(SwitchedFields, forms.ModelForm):
    """A model form of a `StepAction` subclass: `action` offers only what that
    kind of step may take (a USSD screen does not confirm escalations), and
    only the chosen action's fields show and are kept (`StepAction.USES`)."""

    def __init__(self, *args, **kwargs):
        self.switches = {**self.switches, "action": self._meta.model.USES}
        super().__init__(*args, **kwargs)
        if "action" in self.fields:
            self.fields["action"].choices = self._meta.model.action_choices()
        if "action_template" in self.fields:
            field = self.fields["action_template"]
            field.queryset = field.queryset.select_related("app")
            field.label_from_instance = lambda template: f"{template.name} ({template.app})"


class SharedChoicesFormSet(BaseInlineFormSet):
    """Inline step forms whose selects of other rows (a template, a partner)
    list the same choices: read once for the formset, not once per step."""

    shared_choice_fields = ("action_template", "action_partner")

    def __init__(self, *args, **kwargs):
        self._shared_choices: dict[str, list] = {}
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        return self._share(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        return self._share(super().empty_form)

    def _share(self, form):
        shared = self._shared_choices
        for name in self.shared_choice_fields:
            field = form.fields.get(name)
            if field is None or not hasattr(field, "queryset"):
                continue
            if name not in shared:
                shared[name] = list(field.choices)
            field.choices = shared[name]
        return form
