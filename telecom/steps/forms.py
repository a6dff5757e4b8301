"""An action's fields in the console, the same on a USSD screen's form and a
voice step's: their names, their layout, and the choices a kind of step
offers."""

from django import forms

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


class StepActionForm(forms.ModelForm):
    """A model form of a `StepAction` subclass: `action` offers only what that
    kind of step may take (a USSD screen does not confirm escalations)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "action" in self.fields:
            self.fields["action"].choices = self._meta.model.action_choices()
        if "action_template" in self.fields:
            field = self.fields["action_template"]
            field.queryset = field.queryset.select_related("app")
            field.label_from_instance = lambda template: f"{template.name} ({template.app})"
