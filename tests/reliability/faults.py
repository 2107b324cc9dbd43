"""The columns of the fault matrix: each fault, how to inject it, and what the operation should then do.

Shared by the provider-level matrix and its subset through the SDK's host. Every injected 429/500/503/409 carries
``Retry-After: 0`` so the client's wait is the server's hint (zero) rather than its own backoff: the suites never
really sleep. The read timeout is the one fault that costs wall time (the latency that trips the client's short
read timeout).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reliability.catalogue import Declared, KindCase
from reliability.conftest import SLOW_ANSWER_SECONDS

OPERATIONS = ("create", "update", "replace", "refresh", "delete")
RETRY_AFTER_ZERO = {"Retry-After": "0"}


@dataclass(frozen=True)
class Fault:
    """One column of the matrix: how to inject it and whether the operation should still succeed."""

    name: str
    rule: dict[str, Any]
    converges: bool
    expected_text: tuple[str, ...] = ()
    """What the error message must contain when the operation fails (service code and message)."""


FAULTS: tuple[Fault, ...] = (
    Fault("429", {"status": 429, "headers": RETRY_AFTER_ZERO, "times": 2}, True),
    Fault("500", {"status": 500, "headers": RETRY_AFTER_ZERO, "times": 2}, True),
    Fault(
        "500-persistent",
        {
            "status": 500,
            "error_code": "InternalServerError",
            "error_message": "The backend exploded (emulated)",
            "headers": RETRY_AFTER_ZERO,
        },
        False,
        ("InternalServerError", "The backend exploded (emulated)", "HTTP 500"),
    ),
    Fault("503", {"status": 503, "headers": RETRY_AFTER_ZERO, "times": 2}, True),
    Fault("dropped-connection", {"drop": True, "times": 1}, True),
    Fault("read-timeout", {"latency_seconds": SLOW_ANSWER_SECONDS, "times": 1}, True),
    Fault(
        "409-another-operation",
        {
            "status": 409,
            "error_code": "AnotherOperationInProgress",
            "error_message": "Another operation is in progress (emulated)",
            "headers": RETRY_AFTER_ZERO,
            "times": 2,
        },
        True,
    ),
    Fault(
        "operation-failed",
        {"lro_status": "Failed", "error_code": "QuotaExceeded", "error_message": "Not enough cores (emulated)"},
        False,
        ("QuotaExceeded", "Not enough cores (emulated)"),
    ),
    Fault(
        "operation-canceled",
        {"lro_status": "Canceled", "error_code": "OperationCanceled", "error_message": "Canceled by an admin"},
        False,
        ("canceled", "OperationCanceled", "Canceled by an admin"),
    ),
    Fault("token-expires-refreshable", {}, True),
    Fault(
        "token-expires-static",
        {},
        False,
        ("ExpiredAuthenticationToken", "HTTP 401", "was refused; choose credentials with azureml:accessToken"),
    ),
)
FAULTS_BY_NAME = {fault.name: fault for fault in FAULTS}


def programs(case: KindCase, operation: str) -> tuple[dict[str, Declared], dict[str, Declared]]:
    """(the program before the operation, the program the operation applies)."""
    if operation == "create":
        return case.program_without_subject(), case.program
    if operation == "update":
        return case.program, case.program_with(case.updated)
    if operation == "replace":
        return case.program, case.program_with(case.replaced)
    if operation == "delete":
        return case.program, case.program_without_subject()
    return case.program, case.program


def is_poll(method: str, url: str) -> bool:
    lowered = url.lower()
    return method.upper() == "GET" and ("operationsstatus" in lowered or "operationresults" in lowered)
