"""Account operations: create users, authenticate, open and revoke login sessions.

Services take the session and flush, never commit; the entry point commits.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from app.auth.models import ApiToken, LoginSession, User
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from app.auth.roles import Role
from app.errors import NotFound, ValidationFailed
from app.i18n import msg
from app.territory.models import Commune

# Hashing a dummy password when the login is unknown keeps the answer time the same,
# so that timing does not tell which logins exist.
_DUMMY_HASH = hash_password("not-a-real-password")


def create_user(
    session: Session,
    login: str,
    password: str,
    role: str,
    display_name: str | None = None,
    commune_insee: list[str] | None = None,
) -> User:
    """Create a user; raise ValidationFailed naming the wrong field."""
    login = login.strip().lower()
    errors: dict[str, str] = {}
    if not login or len(login) > 64 or not all(ch.isalnum() or ch in "._-" for ch in login):
        errors["login"] = "use 1-64 letters, digits, dots, dashes or underscores"
    elif session.scalar(select(User.id).where(User.login == login)) is not None:
        errors["login"] = f"the login {login!r} is already taken"
    if role not in {r.value for r in Role}:
        errors["role"] = f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}"
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"use at least {MIN_PASSWORD_LENGTH} characters"
    communes = _communes_by_insee(session, commune_insee or [], errors)
    if errors:
        raise ValidationFailed("the user cannot be created", errors)
    user = User(
        login=login,
        display_name=display_name or login,
        password_hash=hash_password(password),
        role=role,
        communes=communes,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, login: str, password: str) -> User:
    """Replace a user's password and revoke every open login session of theirs."""
    user = session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None:
        raise NotFound(f"no user with login {login!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("password too short", {"password": f"use at least {MIN_PASSWORD_LENGTH} characters"})
    user.password_hash = hash_password(password)
    _revoke_all(session, user.id)
    session.flush()
    return user


def user_by_login(session: Session, login: str) -> User | None:
    """The user with this login (any case), or None."""
    return session.scalar(select(User).where(User.login == login.strip().lower()))


def authenticate(session: Session, login: str, password: str) -> User | None:
    """Return the active user whose login and password match, else None."""
    user = session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def open_login_session(
    session: Session, user: User, remote_addr: str | None, user_agent: str | None
) -> str:
    """Record a new login session and return its token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_hash_token(token),
            user_id=user.id,
            remote_addr=(remote_addr or "")[:64] or None,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    session.flush()
    user.login_session_token = token
    return token


# The communes of a request's user, in the same query as the user and without their
# outlines (which no request needs from the user, and which cost a kilobytes-long geometry
# per commune on every request).
_SCOPE_COMMUNES = joinedload(User.communes).load_only(Commune.id, Commune.insee, Commune.name)


def user_for_session_token(session: Session, token: str) -> User | None:
    """The user of an open (not revoked) login session, or None."""
    user = session.scalars(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == _hash_token(token),
            LoginSession.revoked_at.is_(None),
            User.is_active.is_(True),
        )
        .options(_SCOPE_COMMUNES)
    ).unique().first()
    if user is not None:
        user.login_session_token = token
    return user


def revoke_login_session(session: Session, token: str) -> None:
    """End a login session on the server: its cookie no longer authenticates."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == _hash_token(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )


def users_still_on_password(session: Session, logins: list[str], password: str) -> list[str]:
    """Which of ``logins`` exist and still accept ``password``."""
    users = session.scalars(select(User).where(User.login.in_(logins), User.is_active.is_(True)))
    return sorted(u.login for u in users if verify_password(u.password_hash, password))


def _revoke_all(session: Session, user_id: int) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(timezone.utc))
    )


def _communes_by_insee(session: Session, insee_codes: list[str], errors: dict[str, str]) -> list[Commune]:
    if not insee_codes:
        return []
    found = list(session.scalars(select(Commune).where(Commune.insee.in_(insee_codes))))
    missing = sorted(set(insee_codes) - {c.insee for c in found})
    if missing:
        errors["communes"] = f"unknown INSEE code(s): {', '.join(missing)}"
    return found


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


API_TOKEN_PREFIX = "vgt_"
# last_used_at is written at most this often per token, not on every request.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_token(session: Session, user: User, name: str) -> str:
    """Record a personal API token for ``user`` and return it in clear (only its hash is kept)."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed(msg("The token cannot be created."), {"name": msg("Use 1-120 characters.")})
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_hash_token(token)))
    session.flush()
    return token


def user_for_api_token(session: Session, token: str) -> User | None:
    """The active user of a token that is not revoked (its use is recorded), or None."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _hash_token(token), ApiToken.revoked_at.is_(None), User.is_active.is_(True))
        .options(_SCOPE_COMMUNES)
    ).unique().first()
    if row is None:
        return None
    api_token, user = row
    now = datetime.now(timezone.utc)
    if api_token.last_used_at is None or now - api_token.last_used_at >= _LAST_USED_RESOLUTION:
        api_token.last_used_at = now
        session.flush()
    return user


def revoke_api_token(session: Session, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s tokens; NotFound if they have no such token open."""
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    if revoked.rowcount == 0:
        raise NotFound(msg("No API token %(id)s.", id=token_id))


def api_tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first (names and dates only: the tokens are not stored)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))
