"""The telecom features' actions on the subscriber list: charge, send a reward,
push USSD. The list itself is subscribers' (`subscribers/admin/subscriber.py`);
subscribers sit below the telecom features and import none of them, so the
features add their actions here by registering the list's admin again with
them mixed in. Each asks for what it needs and, where money moves, for a
confirmation showing the total."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from subscribers.admin.subscriber import SubscriberAdmin as SubscriberListAdmin
from subscribers.models import Subscriber
from telecom.models import Promo, UssdMenu
from telecom.services.charging import charge
from telecom.services.rewards import send_reward
from telecom.services.ussd import push_ussd


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


class SubscriberTelecomActions:
    """Mixed into the subscriber list's admin (`SubscriberActions` provides
    `_form_action`, `_render_form` and `_each`)."""

    @admin.action(description="Charge the selected subscribers", permissions=["charge"])
    def charge(self, request, queryset):
        form = self._form_action(request, queryset, ChargeForm, "Charge subscribers", "charge")
        if not isinstance(form, ChargeForm):
            return form
        data = form.cleaned_data
        if "confirm" not in request.POST:
            count = queryset.count()
            return self._confirm(
                request,
                queryset,
                "charge",
                form,
                f"Charge {count} subscriber(s) ₱{data['amount']} each, "
                f"₱{data['amount'] * count} in all?",
            )
        self._each(
            request,
            queryset,
            lambda s: charge(
                app=s.app,
                to=s,
                amount=data["amount"],
                description=data["description"],
                duration_days=data["duration_days"],
                source="admin",
            ),
            "charges",
        )
        return None

    @admin.action(description="Send a reward to the selected subscribers", permissions=["reward"])
    def reward(self, request, queryset):
        codes = sorted(
            set(
                Promo.objects.filter(app__in=queryset.values("app"), is_active=True).values_list(
                    "code", flat=True
                )
            )
        )
        form = RewardForm(request.POST if "apply" in request.POST else None, promos=codes)
        if not ("apply" in request.POST and form.is_valid()):
            return self._render_form(request, queryset, form, "Send a reward", "reward")
        promo = form.cleaned_data["promo"]
        if "confirm" not in request.POST:
            cost = sum(
                p.wallet_cost
                for p in Promo.objects.filter(code=promo, app__in=queryset.values("app"))
            )
            return self._confirm(
                request,
                queryset,
                "reward",
                form,
                f"Send {promo} to {queryset.count()} subscriber(s)? "
                f"(wallet cost per reward: ₱{cost})",
            )
        self._each(
            request,
            queryset,
            lambda s: send_reward(app=s.app, to=s, promo=promo, source="admin"),
            "rewards",
        )
        return None

    @admin.action(
        description="Push a USSD message or menu (network-initiated)", permissions=["push_ussd"]
    )
    def push_ussd(self, request, queryset):
        menus = UssdMenu.objects.filter(app__in=queryset.values("app"))
        form = PushUssdForm(request.POST if "apply" in request.POST else None, menus=menus)
        if not ("apply" in request.POST and form.is_valid()):
            return self._render_form(request, queryset, form, "Push USSD", "push_ussd")
        menu = form.cleaned_data["menu"]
        self._each(
            request,
            queryset,
            lambda s: push_ussd(
                app=s.app,
                to=s.msisdn,
                text=form.cleaned_data["text"],
                menu=menu if menu and menu.app_id == s.app_id else None,
                flash=not menu,
            ),
            "USSD pushes",
        )
        return None

    def _confirm(self, request, queryset, action, form, question):
        return TemplateResponse(
            request,
            "admin/subscribers/action_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": "Please confirm",
                "question": question,
                "form": form,
                "action": action,
                "opts": self.model._meta,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            },
        )

    def has_charge_permission(self, request) -> bool:
        return request.user.has_perm("telecom.charge_subscriber")

    def has_reward_permission(self, request) -> bool:
        return request.user.has_perm("telecom.send_reward")

    def has_push_ussd_permission(self, request) -> bool:
        return request.user.has_perm("telecom.push_ussd")


class SubscriberAdmin(SubscriberTelecomActions, SubscriberListAdmin):
    actions = [*SubscriberListAdmin.actions, "charge", "reward", "push_ussd"]


# Importing the list's module registered it; register it again with these actions.
admin.site.unregister(Subscriber)
admin.site.register(Subscriber, SubscriberAdmin)
