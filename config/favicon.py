"""`/favicon.ico` for both servers (Hatid's and the sandbox's): a 16x16 "H".

Browsers ask for it on every first visit; without it each server logged a
404. The icon is drawn here (an ICO holding one 32-bit bitmap) rather than
kept as a binary file or drawn by an image library.
"""

import struct

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

SIZE = 16
BACKGROUND = (0x41, 0x76, 0x90)  # the console's blue
FOREGROUND = (0xFF, 0xFF, 0xFF)
# The letter, top row first: columns 4-5 and 10-11, and the bar on rows 7-8.
_H = [
    "................",
    "................",
    "................",
    "....##....##....",
    "....##....##....",
    "....##....##....",
    "....##....##....",
    "....########....",
    "....########....",
    "....##....##....",
    "....##....##....",
    "....##....##....",
    "....##....##....",
    "................",
    "................",
    "................",
]


def icon_bytes() -> bytes:
    pixels = bytearray()
    for row in reversed(_H):  # a BMP stores rows bottom-up
        for cell in row:
            red, green, blue = FOREGROUND if cell == "#" else BACKGROUND
            pixels += bytes((blue, green, red, 0xFF))
    and_mask = bytes(4 * SIZE)  # every pixel opaque; rows padded to 32 bits
    bitmap = (
        struct.pack("<IiiHHIIiiII", 40, SIZE, SIZE * 2, 1, 32, 0, 0, 0, 0, 0, 0)
        + bytes(pixels)
        + and_mask
    )
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(bitmap), 6 + 16)
    return header + entry + bitmap


ICON = icon_bytes()


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    return HttpResponse(ICON, content_type="image/x-icon")
