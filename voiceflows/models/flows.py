"""Voice flows as data: per-app voice settings, flows, their steps and routes.

A `VoiceFlow` is a graph of `Step`s. Each step is one Tropo verb with its
options, stored as the platform receives them (`{"value": "Hello"}` for a
say), in which `{name}` stands for a variable (`telecom.steps.templating`,
the syntax USSD screens use too): an answer given earlier in the call (an
ask's or record's `name`), a parameter of an outbound call, or
`caller`/`callee`. A step may act when the call reaches it (send an SMS,
charge, reward, tag, call a partner's webhook, confirm an escalation): a
`telecom.steps.StepAction`, as USSD end screens do.

`Route`s say where the call goes when a step is done: on a given answer, on
a timeout or a nomatch, when it completes, when the caller hangs up; to
another step, or to another Tropo app's URL. `voiceflows.engine` turns a
step and its routes into the document the platform runs.
"""

from django.core.exceptions import ValidationError
from django.db import models

from telecom.fields import EncryptedTextField
from telecom.models import ProviderApp
from telecom.models.bases import optional_link
from telecom.steps.models import StepAction, StepGraph

DEFAULT_ERROR_MESSAGE = "Sorry, something went wrong. Please call again later. Goodbye."


class VoiceSettings(models.Model):
    """What Hatid needs to run an app's voice: its Voice App Token and default flow."""

    app = models.OneToOneField(ProviderApp, on_delete=models.CASCADE, related_name="voice_settings")
    voice_token = EncryptedTextField(
        blank=True,
        help_text="The Voice App Token from the Globe Labs portal; outbound calls are started "
        "with it. Stored encrypted.",
    )
    default_flow = optional_link(
        "VoiceFlow", "Answers calls to the app's Voice URI (and outbound calls that name no flow)."
    )
    caller_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="Optional: the `from` of outbound calls (a number or SIP address the "
        "platform allows the app to use).",
    )
    ring_timeout = models.PositiveSmallIntegerField(
        default=30, help_text="Seconds an outbound call rings before it counts as not answered."
    )
    error_message = models.CharField(
        max_length=200,
        default=DEFAULT_ERROR_MESSAGE,
        help_text="Said before hanging up when a call cannot go on (a malformed request, an "
        "unknown step, an error in a flow).",
    )

    class Meta:
        verbose_name = "voice settings"
        verbose_name_plural = "voice settings"

    def __str__(self) -> str:
        return f"Voice settings of {self.app}"


class VoiceFlow(StepGraph):
    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="voice_flows")
    slug = models.SlugField(
        max_length=50, help_text="Names the flow in its URLs: /voice/{token}/{slug}/."
    )
    start_step = optional_link("Step", "Where a call starts (the first step when empty).")
    report_hangups = models.BooleanField(
        default=True,
        help_text="Ask the platform to tell Hatid when the caller hangs up (an `on hangup` "
        "handler in every document), so call sessions end on time.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive flows answer with the error message and hang up."
    )

    class Meta(StepGraph.Meta):
        constraints = [
            models.UniqueConstraint(fields=["app", "slug"], name="one_voice_flow_slug_per_app")
        ]

    def __str__(self) -> str:
        return self.name


class Step(StepAction):
    """One Tropo verb of a flow, with its options, the action it takes when a
    call reaches it, and its routes (where the call goes next)."""

    class Verb(models.TextChoices):
        SAY = "say", "Say (speak text or play audio)"
        ASK = "ask", "Ask (collect an answer)"
        RECORD = "record", "Record the caller"
        TRANSFER = "transfer", "Transfer the call"
        CONFERENCE = "conference", "Conference"
        WAIT = "wait", "Wait"
        CALL = "call", "Call (place an outbound call)"
        MESSAGE = "message", "Message (a separate call or SMS)"
        HANGUP = "hangup", "Hang up"
        REJECT = "reject", "Reject (without answering)"
        REDIRECT = "redirect", "Redirect (before answering)"
        START_RECORDING = "startRecording", "Start recording the call"
        STOP_RECORDING = "stopRecording", "Stop recording the call"

    flow = models.ForeignKey(VoiceFlow, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(
        max_length=40, help_text="A short name, unique in the flow; it appears in the URLs."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the editor.")
    verb = models.CharField(max_length=16, choices=Verb.choices, default=Verb.SAY)
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text='The verb\'s Tropo options, as the platform receives them: {"value": '
        '"Hello"} for a say; {"choices": {"value": "1, 2"}, "say": {"value": "Press 1 or '
        '2"}} for an ask. Text may use variables: {name}.',
    )
    # the action fields of StepAction

    class Meta:
        ordering = ["flow", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["flow", "key"], name="unique_step_key")]
        verbose_name = "voice flow step"

    def __str__(self) -> str:
        return f"{self.flow.name} / {self.key}"

    def clean(self):
        from voiceflows.engine import options_problem

        problem = options_problem(self.verb, self.options)
        if problem:
            raise ValidationError({"options": problem})
        super().clean()


class Route(models.Model):
    """Where a call goes when its step is done.

    `continue`, `incomplete`, `hangup` and `error` are Tropo's own events;
    `answer` (a given choice), `timeout` and `nomatch` refine them, and Hatid
    picks among such routes when the platform posts the result.
    """

    class On(models.TextChoices):
        ANSWER = "answer", "The answer is…"
        CONTINUE = "continue", "It completes (any other answer)"
        TIMEOUT = "timeout", "No answer came (timeout)"
        NOMATCH = "nomatch", "The answer was not one of the choices (nomatch)"
        INCOMPLETE = "incomplete", "It did not complete (timeout, nomatch, failed)"
        HANGUP = "hangup", "The caller hung up"
        ERROR = "error", "The platform reported an error"

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="routes")
    position = models.PositiveSmallIntegerField(default=0)
    on = models.CharField(max_length=10, choices=On.choices, default=On.CONTINUE)
    value = models.CharField(
        max_length=100,
        blank=True,
        help_text="For 'the answer is…': the choice (compared with the platform's "
        "interpretation, ignoring case); variables allowed, e.g. {confirmation_code}.",
    )
    goto = optional_link(
        Step, "The step that comes next.", on_delete=models.CASCADE, verbose_name="go to"
    )
    url = models.CharField(
        "or URL",
        max_length=500,
        blank=True,
        help_text="Or hand the call to another Tropo app at this URL (the platform posts the "
        "result there). Only as the one route of its event.",
    )
    say = models.CharField(
        max_length=500,
        blank=True,
        help_text="Said on the way (Tropo's `on` say); variables allowed.",
    )
    required = models.BooleanField(
        default=False, help_text="Sets `required` on the handler, as the Globe Labs examples do."
    )
    same_document = models.BooleanField(
        default=True,
        help_text="After a say, wait, call or message: play the next step in the same document, "
        "without a request to Hatid. Untick to make the platform fetch it.",
    )

    class Meta:
        ordering = ["step", "position", "pk"]
        verbose_name = "route"

    def __str__(self) -> str:
        target = self.goto.key if self.goto_id else self.url
        condition = f"{self.on} {self.value}".strip()
        return f"{condition} → {target}"

    def clean(self):
        if self.on == self.On.ANSWER and not self.value.strip():
            raise ValidationError({"value": "Give the answer this route is for."})
        if self.on != self.On.ANSWER and self.value:
            raise ValidationError({"value": "Only 'the answer is…' routes take a value."})
        if bool(self.goto_id) == bool(self.url.strip()):
            raise ValidationError({"goto": "Choose a step to go to, or give a URL (not both)."})
        if self.url and not self.url.startswith(("http://", "https://", "/")):
            raise ValidationError({"url": "An http(s) URL, or a path on the app's host."})
        if self.goto_id and self.step_id and self.goto.flow_id != self.step.flow_id:
            raise ValidationError({"goto": "That step belongs to another flow."})
