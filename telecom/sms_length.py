"""How long an SMS is, in the terms the platform bills: characters, encoding, parts.

GSM-7 covers the basic alphabet (its extension characters count twice);
anything else makes the whole message UCS-2. Globe Labs bills "per 160
characters" (API docs, "Multi-Part SMS"); a UCS-2 part holds 70.
"""

from dataclasses import dataclass
from math import ceil

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_PER_PART = 160
UCS2_PER_PART = 70


@dataclass(frozen=True)
class SmsLength:
    characters: int
    encoding: str  # "GSM-7" or "UCS-2"
    per_part: int
    parts: int

    def as_dict(self) -> dict:
        return {
            "characters": self.characters,
            "encoding": self.encoding,
            "per_part": self.per_part,
            "parts": self.parts,
        }


def measure(text: str) -> SmsLength:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        return SmsLength(units, "GSM-7", GSM7_PER_PART, max(1, ceil(units / GSM7_PER_PART)))
    # UCS-2 counts UTF-16 code units: characters outside the BMP take two.
    units = len(text.encode("utf-16-le")) // 2
    return SmsLength(units, "UCS-2", UCS2_PER_PART, max(1, ceil(units / UCS2_PER_PART)))
