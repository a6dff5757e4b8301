"""The telecom app's Celery tasks: delivery of outbox rows by id, campaign
building, and periodic housekeeping. Tasks stay thin: they call a service."""

from celery import shared_task
from django.conf import settings

from telecom import outbox, rollups
from telecom.callbacks import dispatch, lanes
from telecom.errors import OutcomeUnknown, TransientError
from telecom.retention.purge import purge_once
from telecom.services import (
    campaign_schedule,
    campaigns,
    charging,
    fax,
    inbound,
    rewards,
    ussd,
    voicent,
    wallet,
)
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.hoiio import resolve as hoiio_resolve
from telecom.services.hoiio import sms as hoiio_sms
from telecom.services.hoiio import voice as hoiio_voice
from telecom.services.message_delivery import MessageDelivery
from telecom.services.webhooks import WebhookDeliveryRunner

# Hanging up and removing are idempotent: retried on what may be temporary.
IDEMPOTENT_RETRY = {
    "autoretry_for": (TransientError, OutcomeUnknown),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(name="telecom.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    return outbox.sweep()


@shared_task(name="telecom.tasks.process_callbacks", ignore_result=True)
def process_callbacks(lane: int) -> int:
    return lanes.process_lane(lane)


@shared_task(name="telecom.tasks.sweep_callbacks", ignore_result=True)
def sweep_callbacks() -> int:
    return len(dispatch.sweep())


@shared_task(name="telecom.tasks.purge_expired", ignore_result=True)
def purge_expired() -> int | None:
    """Retention: what every kind keeps past its period goes (telecom.retention)."""
    outcomes = purge_once()
    return None if outcomes is None else sum(outcome.rows for outcome in outcomes)


# The name beat schedules stored before retention; the same purge (one at a time).
@shared_task(name="telecom.tasks.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int | None:
    return purge_expired()


@shared_task(name="telecom.tasks.deliver_messages", ignore_result=True)
def deliver_messages(ids: list[int]) -> None:
    MessageDelivery().run_many(ids, fill=True)


@shared_task(name="telecom.tasks.deliver_webhooks", ignore_result=True)
def deliver_webhooks(ids: list[int]) -> None:
    WebhookDeliveryRunner().run_many(ids)


@shared_task(name="telecom.tasks.build_campaign", ignore_result=True)
def build_campaign(campaign_id: int) -> int:
    return campaigns.build_campaign(campaign_id)


@shared_task(name="telecom.tasks.assemble_stale_multiparts", ignore_result=True)
def assemble_stale_multiparts() -> int:
    return inbound.assemble_stale_multiparts()


@shared_task(name="telecom.tasks.watch_campaigns", ignore_result=True)
def watch_campaigns() -> int:
    return campaigns.watch()


@shared_task(name="telecom.tasks.start_due_campaigns", ignore_result=True)
def start_due_campaigns() -> int:
    return len(campaign_schedule.start_due_campaigns())


@shared_task(name="telecom.tasks.keep_quiet_hours", ignore_result=True)
def keep_quiet_hours() -> dict[str, int]:
    return campaign_schedule.keep_quiet_hours()


@shared_task(name="telecom.tasks.deliver_charges", ignore_result=True)
def deliver_charges(ids: list[int]) -> None:
    charging.ChargeDelivery().run_many(ids)


@shared_task(name="telecom.tasks.deliver_rewards", ignore_result=True)
def deliver_rewards(ids: list[int]) -> None:
    rewards.RewardDelivery().run_many(ids)


@shared_task(name="telecom.tasks.reconcile_charges", ignore_result=True)
def reconcile_charges() -> int:
    return charging.reconcile_all()


@shared_task(name="telecom.tasks.read_wallets", ignore_result=True)
def read_wallets() -> int:
    return wallet.read_all_wallets()


@shared_task(name="telecom.tasks.roll_up_usage", ignore_result=True)
def roll_up_usage() -> int:
    return wallet.roll_up_usage()


@shared_task(name="telecom.tasks.roll_up_traffic", ignore_result=True)
def roll_up_traffic() -> int:
    return rollups.roll_up_traffic()


@shared_task(name="telecom.tasks.flag_overdue_rewards", ignore_result=True)
def flag_overdue_rewards() -> int:
    return rewards.flag_overdue_rewards()


@shared_task(name="telecom.tasks.deliver_ussd_replies", ignore_result=True)
def deliver_ussd_replies(ids: list[int]) -> None:
    ussd.UssdReplyDelivery().run_many(ids)


@shared_task(name="telecom.tasks.expire_ussd_sessions", ignore_result=True)
def expire_ussd_sessions() -> int:
    return ussd.expire_sessions()


# --- Hoiio and the Voicent gateway ---------------------------------------------------


@shared_task(name="telecom.tasks.deliver_sms_bulks", ignore_result=True)
def deliver_sms_bulks(ids: list[int]) -> None:
    hoiio_sms.SmsBulkDelivery().run_many(ids)


@shared_task(name="telecom.tasks.deliver_voice_calls", ignore_result=True)
def deliver_voice_calls(ids: list[int]) -> None:
    hoiio_voice.VoiceCallDelivery().run_many(ids)


@shared_task(name="telecom.tasks.hang_up_voice_call", ignore_result=True, **IDEMPOTENT_RETRY)
def hang_up_voice_call(call_id: int) -> None:
    hoiio_voice.send_hangup(call_id)


@shared_task(name="telecom.tasks.deliver_ivr_sessions", ignore_result=True)
def deliver_ivr_sessions(ids: list[int]) -> None:
    hoiio_ivr.IvrSessionDelivery().run_many(ids)


@shared_task(name="telecom.tasks.deliver_ivr_steps", ignore_result=True)
def deliver_ivr_steps(ids: list[int]) -> None:
    hoiio_ivr.IvrStepDelivery().run_many(ids)


@shared_task(name="telecom.tasks.deliver_faxes", ignore_result=True)
def deliver_faxes(ids: list[int]) -> None:
    fax.deliver_faxes(ids)


@shared_task(name="telecom.tasks.deliver_number_subscriptions", ignore_result=True)
def deliver_number_subscriptions(ids: list[int]) -> None:
    hoiio_numbers.NumberSubscriptionDelivery().run_many(ids)


@shared_task(name="telecom.tasks.deliver_number_configurations", ignore_result=True)
def deliver_number_configurations(ids: list[int]) -> None:
    hoiio_numbers.NumberConfigurationDelivery().run_many(ids)


@shared_task(name="telecom.tasks.resolve_hoiio", ignore_result=True)
def resolve_hoiio() -> int:
    return hoiio_resolve.resolve_all()


@shared_task(name="telecom.tasks.deliver_voicent_calls", ignore_result=True)
def deliver_voicent_calls(ids: list[int]) -> None:
    voicent.VoicentCallDelivery().run_many(ids)


@shared_task(name="telecom.tasks.poll_voicent_calls", ignore_result=True)
def poll_voicent_calls(ids: list[int]) -> None:
    again = voicent.poll_calls(ids)
    if again:
        poll_voicent_calls.apply_async(
            args=[again], countdown=settings.VOICENT_POLL_INTERVAL_SECONDS
        )


@shared_task(name="telecom.tasks.poll_open_voicent_calls", ignore_result=True)
def poll_open_voicent_calls() -> int:
    return voicent.poll_open_calls()


@shared_task(name="telecom.tasks.remove_voicent_call", ignore_result=True, **IDEMPOTENT_RETRY)
def remove_voicent_call(call_id: int) -> None:
    voicent.send_removal(call_id)
