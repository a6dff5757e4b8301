"""The one error this package raises: a Tropo document or payload that is not right.

Every message says where (`ask`, `tropo[1].ask.say[0]`, `result.actions[2]`)
and which option, so an operator editing a flow, or the voice webhook turning a
malformed platform request into a spoken apology and a hangup, can say exactly
what is wrong. It is a `ValueError`: the input, not the code, is at fault.
"""


class TropoError(ValueError):
    """`where: option problem`, e.g. `wait: milliseconds is required`."""

    def __init__(self, where: str, problem: str, *, option: str | None = None):
        super().__init__(where, problem, option)
        self.where = where
        self.problem = problem
        self.option = option

    def __str__(self) -> str:
        if self.option:
            return f"{self.where}: {self.option} {self.problem}"
        return f"{self.where}: {self.problem}"

    def located(self, where: str) -> "TropoError":
        """The same problem, reported at a fuller path (`tropo[1].ask` for `ask`)."""
        return TropoError(where, self.problem, option=self.option)
