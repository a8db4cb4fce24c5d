"""Domain errors raised by services; app.web maps them to HTTP answers.

Messages are English templates (``app.i18n.Msg``) that the web layer translates into
the user's language; plain strings are allowed where no user sees them (CLI).
"""
from __future__ import annotations

from app.i18n import Msg

Message = str | Msg


class DomainError(Exception):
    """Base class: a rule of the domain refused the operation."""

    def __init__(self, message: Message, field_errors: dict[str, Message] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    """The thing asked for does not exist (or is outside the user's scope)."""


class PermissionDenied(DomainError):
    """The actor's role or commune scope does not allow the operation."""


class ValidationFailed(DomainError):
    """Input is wrong; ``field_errors`` says which field and why."""


class InvalidTransition(DomainError):
    """A workflow transition that the current state does not allow."""


class Conflict(DomainError):
    """A stale write: someone else changed the row since the client read it."""

    def __init__(self, message: Message, current: dict | None = None, submitted: dict | None = None) -> None:
        super().__init__(message)
        self.current = current
        self.submitted = submitted
