"""The partner API's JSON parser: DRF's, with every unreadable body a 400.

DRF turns a `ValueError` from `json.load` into a ParseError, but nesting deeper
than Python's recursion limit (`[` x3000) raises `RecursionError`, which was a
500. No request of this API nests more than a few levels.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ApiJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
