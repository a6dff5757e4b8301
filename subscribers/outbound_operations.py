"""The subscribers app's outbound operations: for each outbox row, its
sender, its task and its queue (see `telecom.outbound`)."""

from subscribers.models import BalanceQuery, ChargingOptInRequest, CodeExchange, LocationQuery
from subscribers.services.deliveries import (
    BalanceDelivery,
    ChargingOptInDelivery,
    CodeExchangeDelivery,
    LocationDelivery,
)
from telecom.outbound import OutboundOperation

OPERATIONS = (
    OutboundOperation(CodeExchange, CodeExchangeDelivery, "subscribers.tasks.exchange_codes"),
    OutboundOperation(
        ChargingOptInRequest, ChargingOptInDelivery, "subscribers.tasks.send_charging_optins"
    ),
    OutboundOperation(LocationQuery, LocationDelivery, "subscribers.tasks.locate_subscribers"),
    OutboundOperation(BalanceQuery, BalanceDelivery, "subscribers.tasks.query_balances"),
)
