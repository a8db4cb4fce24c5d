"""Read queries on accounts."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth.models import User


def list_users(session: Session) -> list[User]:
    """Every account, by login, with its communes loaded."""
    return list(session.scalars(select(User).options(selectinload(User.communes)).order_by(User.login)))
