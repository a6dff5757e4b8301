"""Location Based Services (API docs: "LBS Query")."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from telecom.crypto import reveal
from telecom.dates import parse_globe_datetime
from telecom.globe.api import GlobeApi
from telecom.globe.sms import tel


@dataclass(frozen=True)
class Location:
    retrieval_status: str
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy: int | None
    located_at: datetime | None
    map_url: str


class LocationApi(GlobeApi):
    def locate(self, *, token, address: str, requested_accuracy: int, subject=None) -> Location:
        response = self.call(
            "location",
            "GET",
            self.api("/location/v1/queries/location"),
            params={
                "access_token": reveal(token),
                "address": tel(address),
                "requestedAccuracy": str(requested_accuracy),
            },
            subject=subject,
        )
        try:
            terminal = response.json()["terminalLocationList"]["terminalLocation"]
            if isinstance(terminal, list):
                terminal = terminal[0]
            current = terminal.get("currentLocation") or {}
            return Location(
                retrieval_status=str(terminal.get("locationRetrievalStatus", "")),
                latitude=_decimal(current.get("latitude")),
                longitude=_decimal(current.get("longitude")),
                accuracy=int(current["accuracy"]) if current.get("accuracy") is not None else None,
                located_at=parse_globe_datetime(current["timestamp"])
                if current.get("timestamp")
                else None,
                map_url=str(current.get("map_url") or ""),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise self.unexpected_answer(response, f"unexpected location answer: {exc}") from None


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a coordinate") from None
