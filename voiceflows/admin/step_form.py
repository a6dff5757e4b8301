"""A voice step's form: its verb's options as fields (`voiceflows.step_options`),
only the chosen verb's shown and used, its action's fields likewise
(`telecom.steps.forms.StepActionForm`), and the options as Tropo JSON for
what the fields do not cover: edit the JSON and it wins over the fields.

Either way the options are validated as a call would load them (the Tropo
package), and a problem is reported beside the field it is about.
"""

import json

from django import forms
from django.core.exceptions import ValidationError

from telecom.steps.forms import StepActionForm
from voiceflows import step_options
from voiceflows.engine import STEP_VERBS
from voiceflows.models import Step
from voiceflows.services.flows import STEP_FIELDS
from voiceflows.tropo import TropoError, load

OPTIONS_ATTRS = {"rows": 6, "cols": 80, "data-step-options": "", "spellcheck": "false"}
# More than any real step's options; a bigger paste is a form error, not a load.
OPTIONS_LIMIT = 20_000


class OptionsJSON(forms.JSONField):
    """The options as JSON, refusing what is too big or nested too deep to be a step's."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) > OPTIONS_LIMIT:
            raise ValidationError(f"Keep the options under {OPTIONS_LIMIT} characters.")
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError("The options are nested too deeply.") from None

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data[:OPTIONS_LIMIT])


VerbOptionFields = type("VerbOptionFields", (forms.Form,), step_options.form_fields())


class StepForm(VerbOptionFields, StepActionForm):
    options = OptionsJSON(
        required=False,
        label="Options as Tropo JSON",
        widget=forms.Textarea(attrs=OPTIONS_ATTRS),
        help_text="Every option of the verb, as the platform receives it. Edit it and it "
        "wins over the fields above (for what they do not cover, e.g. SIP headers).",
    )

    class Meta:
        model = Step
        fields = ["flow", "key", "position", *STEP_FIELDS, "action_partner"]
        widgets = {"action_text": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        self.switches = {
            "verb": {
                verb: tuple(name for name, _ in step_options.fields_of(verb)) for verb in STEP_VERBS
            }
        }
        super().__init__(*args, **kwargs)
        saved = self.instance.options if self.instance.pk else {}
        self.saved = saved if isinstance(saved, dict) else {}
        if self.initial.get("options") is None:
            self.initial["options"] = self.saved
        if self.instance.pk:
            for name, option in step_options.fields_of(self.instance.verb):
                self.initial.setdefault(name, step_options.read(self.saved, option))

    def json_edited(self, cleaned: dict) -> bool:
        """Whether the JSON was changed, so that it, not the fields, gives the options."""
        if "options" not in self.fields:
            return False
        shown = self.instance.options if self.instance.pk else self.saved
        return "options" in self._errors or cleaned.get("options", shown) != shown

    def clean(self):
        cleaned = super().clean()
        verb = cleaned.get("verb")
        if verb not in STEP_VERBS:
            return cleaned
        mine = step_options.fields_of(verb)
        if self.json_edited(cleaned):
            for name, _ in mine:
                self._errors.pop(name, None)
            return cleaned
        self.by_fields = True
        if any(name in self._errors for name, _ in mine):
            return cleaned
        cleaned["options"] = self.options_from_fields(cleaned, verb)
        try:
            load({"tropo": [{verb: cleaned["options"]}]})
        except TropoError as error:
            field = step_options.located(verb, error)
            self.add_error(field, str(error).removeprefix("tropo[0]."))
        return cleaned

    def _post_clean(self):
        options = self.cleaned_data.get("options")
        super()._post_clean()
        if getattr(self, "by_fields", False) and "options" in self._errors:
            # The fields' problems are said beside them; the model's check of
            # the options says them again (and drops the options the preview shows).
            del self._errors["options"]
            self.cleaned_data["options"] = options

    def options_from_fields(self, cleaned: dict, verb: str) -> dict:
        """The saved options with what the fields changed (for another verb: the fields alone)."""
        same_verb = bool(self.instance.pk) and verb == self.instance.verb
        options = dict(self.saved) if same_verb else {}
        for name, option in step_options.fields_of(verb):
            written = step_options.write(options, verb, option, cleaned.get(name))
            kept = step_options.write(options, verb, option, self.initial.get(name))
            if not same_verb or written != kept:
                options = written
        return options
