"""The one error the demo panel's logic raises: an answer `{"error": ...}` with an HTTP code."""

from __future__ import annotations


class ApiError(Exception):
    """The panel refuses a request: HTTP ``status`` with body ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


INVALID_KEY = "Invalid API key"
NOT_ENOUGH_FUNDS = "Not enough funds on balance"
INCORRECT_SERVICE = "Incorrect service ID"
INCORRECT_ORDER = "Incorrect order ID"
INCORRECT_REFILL = "Incorrect refill ID"
