"""Route guards: a page or endpoint requires a logged-in user with a permission."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask_babel import gettext
from flask_login import current_user, login_required

from app.auth.roles import Permission
from app.errors import PermissionDenied


def require_permission(permission: Permission) -> Callable:
    """Decorate a view: log in first, then the role must carry ``permission``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.can(permission):
                raise PermissionDenied(gettext("Your role does not allow this."))
            return view(*args, **kwargs)

        return guarded

    return decorate
