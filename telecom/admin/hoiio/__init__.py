"""Hoiio in the console, one module per feature: calls and conference rooms,
IVR sessions, faxes (send a PDF, read a received one), rented numbers, bulk
sends. Every "add" is a service call (`ServiceFormMixin`); rows whose outcome
is unknown can be looked up at Hoiio or settled by an operator."""

from telecom.admin.hoiio import bulk_sends, calls, faxes, ivr, numbers  # noqa: F401
