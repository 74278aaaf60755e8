"""Moderators' accounts and their server-side login sessions."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..limits import EMAIL_MAX, NAME_MAX
from .base import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20), default="moderator")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session identity: changing it ends every session of this user.
    session_nonce: Mapped[str] = mapped_column(
        sa.String(32), default=lambda: secrets.token_hex(16)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ROLES = ("moderator", "admin")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """End every session of this user: the nonce no longer matches, the records go."""
        self.session_nonce = secrets.token_hex(16)
        if self.id is not None:
            db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == self.id))

    @staticmethod
    def normalize_email(email: str) -> str:
        return "".join(email.split()).casefold()


class LoginSession(db.Model):
    """A logged-in browser session, kept server-side: deleting the row ends every copy of it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Hash of the token kept in the signed session cookie.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
