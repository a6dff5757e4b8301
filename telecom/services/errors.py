"""`ServiceError`: a service refusing its input, in words an operator or partner can act on.

The partner API renders it as its JSON error envelope; admin forms show it as
a form error on `field`.
"""


class ServiceError(Exception):
    def __init__(
        self, message: str, *, field: str | None = None, code: str = "invalid", status: int = 400
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.status = status

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}
