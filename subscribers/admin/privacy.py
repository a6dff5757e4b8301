"""The subscriber list's Data Privacy Act actions (docs/privacy.md): erase the
selected numbers, after a confirmation page, and answer an access request
with a ZIP. Operators' only (`subscribers.erase_subscriber`,
`subscribers.access_request_subscriber`); the services do the work."""

from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse

from subscribers.admin.forms import EraseForm
from subscribers.pseudonyms import is_pseudonym
from subscribers.services.access_request import access_request
from subscribers.services.erasure import erase_subscriber


class PrivacyActions:
    """Mixed into SubscriberAdmin."""

    @admin.action(
        description="Erase the selected numbers (Data Privacy Act)", permissions=["erase"]
    )
    def erase(self, request, queryset):
        form = EraseForm(request.POST if "apply" in request.POST else None)
        if not ("apply" in request.POST and form.is_valid()):
            return TemplateResponse(
                request,
                "admin/subscribers/erase_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase these numbers?",
                    "form": form,
                    "queryset": queryset.select_related("app")[:20],
                    "count": queryset.count(),
                    "action": "erase",
                    "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                    "opts": self.model._meta,
                },
            )
        every_app = form.cleaned_data["apps"] == "all"
        done, rows, stopped = set(), 0, 0
        for subscriber in queryset.select_related("app").order_by("pk"):
            key = subscriber.msisdn if every_app else (subscriber.msisdn, subscriber.app_id)
            if key in done:
                continue  # the same number, already erased from every app
            erasure = erase_subscriber(
                subscriber=subscriber,
                apps=None if every_app else [subscriber.app],
                user=request.user,
            )
            done.add(key)
            rows += erasure.total
            stopped += erasure.queued_stopped
        where = "every app" if every_app else "their own app"
        summary = f"Erased {len(done)} number(s) from {where}: {rows} row(s) rewritten or removed"
        if stopped == 1:
            summary += "; 1 queued charge, reward, webhook, call or fax stopped before it went out"
        elif stopped:
            summary += (
                f"; {stopped} queued charges, rewards, webhooks, calls or faxes stopped"
                " before they went out"
            )
        self.message_user(request, f"{summary}.", messages.SUCCESS)
        return None

    @admin.action(
        description="Answer an access request (a ZIP of everything held)",
        permissions=["access_request"],
    )
    def access_request(self, request, queryset):
        numbers = set(queryset.values_list("msisdn", flat=True))
        if len(numbers) != 1:
            self.message_user(
                request, "Select the subscribers of one number only.", messages.WARNING
            )
            return None
        number = numbers.pop()
        if is_pseudonym(number):
            self.message_user(
                request, "This number was erased: only its pseudonym is left.", messages.WARNING
            )
        answer = access_request(number=number)
        response = StreamingHttpResponse(answer.chunks, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{answer.filename}"'
        return response

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.erase_subscriber")

    def has_access_request_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.access_request_subscriber")
