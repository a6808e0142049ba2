"""Accounts on the server: roles, Argon2id passwords, TOTP second factors, reset links.

Passwords are hashed with Argon2id (RFC 9106) at the parameters the OWASP Password
Storage Cheat Sheet gives as its first choice: 19 MiB of memory, 2 passes, 1 lane.
Clinicians, researchers and admins must add a time-based one-time
password (RFC 6238, 30-second steps); a code is accepted once. A forgotten password
is reset through a one-time link an admin issues (no mail server is needed): the
link works once, for 24 hours, and resetting ends every session of the account.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.store.server import accounts as store
from kratom_journal.store.server import people
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.server.tables import Account
from kratom_journal.store.tenancy import acting_as

ROLES = ("person", "participant", "clinician", "researcher", "admin")
"""A person keeps their own journal; a participant one for a study; the others look on."""
STAFF_ROLES = frozenset({"clinician", "researcher", "admin"})
"""Roles that must sign in with a second factor."""
JOURNAL_ROLES = frozenset({"person", "participant"})
"""Roles that have a journal of their own on the server."""

MIN_PASSWORD = 12
MAX_PASSWORD = 256
RESET_LINK_LIFETIME = timedelta(hours=24)
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")

ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES = 19 * 1024, 2, 1
_hasher = PasswordHasher(
    time_cost=ARGON2_PASSES, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_LANES
)
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
"""Checked against when the account does not exist, so that both cases take as long."""


@dataclass(frozen=True, slots=True)
class AccountView:
    """What the pages show of an account (never its hashes or secrets)."""

    id: uuid.UUID
    username: str
    display_name: str
    role: str
    totp_enabled: bool
    locked: bool
    disabled: bool

    @property
    def needs_second_factor(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def has_journal(self) -> bool:
        return self.role in JOURNAL_ROLES


def view_of(account: Account, clock: Clock = SYSTEM_CLOCK) -> AccountView:
    return AccountView(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        totp_enabled=account.totp_enabled,
        locked=account.locked_until is not None and account.locked_until > clock.now(),
        disabled=account.disabled_at is not None,
    )


def normalized_username(username: str) -> str:
    """Usernames are compared in lower case, without surrounding spaces."""
    return username.strip().lower()


def check_password(password: str, username: str) -> None:
    """ASVS 2.1: at least 12 characters, at most 256, any characters, not the username."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"the password may have at most {MAX_PASSWORD} characters")
    if normalized_username(password) == normalized_username(username):
        raise InvalidInput("the password must not be the username")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Check a password against its Argon2id hash (a dummy hash when there is none)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def create_account(
    db: ServerDatabase,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    *,
    timezone: str = "UTC",
    clock: Clock = SYSTEM_CLOCK,
) -> AccountView:
    """Add an account (with an empty journal for a person or participant)."""
    name = normalized_username(username)
    if not USERNAME.fullmatch(name):
        raise InvalidInput(
            "a username has 3 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if password is not None:
        check_password(password, name)
    with db.session() as session:
        if store.account_by_username(session, name) is not None:
            raise InvalidInput(f"the username {name!r} is taken")
        account = store.add_account(
            session,
            username=name,
            display_name=" ".join(display_name.split())[:200] or name,
            role=role,
            password_hash=hash_password(password) if password is not None else None,
            now=clock.now(),
        )
    if role in JOURNAL_ROLES:
        with acting_as(account.id), db.session() as session:
            people.seed_journal(session, {"timezone": timezone})
    return view_of(account, clock)


def find_account(db: ServerDatabase, account_id: uuid.UUID) -> AccountView:
    with db.session() as session:
        account = store.account_by_id(session, account_id)
        if account is None:
            raise NotFound("no such account")
        return view_of(account)


def find_by_username(db: ServerDatabase, username: str) -> AccountView:
    with db.session() as session:
        account = store.account_by_username(session, normalized_username(username))
        if account is None:
            raise NotFound(f"no account {normalized_username(username)!r}")
        return view_of(account)


def list_accounts(db: ServerDatabase, roles: tuple[str, ...] = ()) -> list[AccountView]:
    with db.session() as session:
        return [view_of(a) for a in store.accounts(session, roles)]


def change_password(
    db: ServerDatabase, account_id: uuid.UUID, current: str, new: str, clock: Clock = SYSTEM_CLOCK
) -> None:
    """Change one's own password (the current one is asked again); other sessions end."""
    with db.session() as session:
        account = store.account_by_id(session, account_id)
        if account is None or not password_matches(account.password_hash, current):
            raise InvalidInput("the current password is not right")
        check_password(new, account.username)
        account.password_hash = hash_password(new)
        store.delete_sessions_of(session, account.id)
        store.add_event(session, at=clock.now(), action="password-changed", actor_id=account.id)


# --- second factor ---------------------------------------------------------------------------


def enrolment_secret(db: ServerDatabase, account_id: uuid.UUID) -> str:
    """The secret being enrolled (a fresh one unless enrolment is under way already).

    It becomes the account's second factor once a first code from it is confirmed.
    """
    import pyotp

    with db.session() as session:
        account = store.account_by_id(session, account_id)
        if account is None:
            raise NotFound("no such account")
        if account.totp_enabled or not account.totp_secret:
            account.totp_secret = pyotp.random_base32()
            account.totp_enabled = False
        return account.totp_secret


def totp_uri(secret: str, username: str, issuer: str = "Kratom Journal") -> str:
    """The ``otpauth://`` link an authenticator app reads (shown as a QR code)."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def verify_totp(
    db: ServerDatabase, account_id: uuid.UUID, code: str, clock: Clock = SYSTEM_CLOCK
) -> bool:
    """Accept a current code (one step of clock drift either way), each code only once."""
    import pyotp

    digits = "".join(code.split())
    if not digits.isdigit() or len(digits) != 6:
        return False
    with db.session() as session:
        account = store.account_by_id(session, account_id)
        if account is None or not account.totp_secret:
            return False
        totp = pyotp.TOTP(account.totp_secret)
        now = clock.now()
        for drift in (0, -1, 1):
            at = now + timedelta(seconds=30 * drift)
            step = totp.timecode(at)
            if secrets.compare_digest(totp.at(at), digits):
                if account.totp_last_step is not None and step <= account.totp_last_step:
                    return False  # replayed
                account.totp_last_step = step
                account.totp_enabled = True
                return True
    return False


def reset_second_factor(
    db: ServerDatabase, admin_id: uuid.UUID, account_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> None:
    """An admin clears a lost second factor; the next sign-in enrols a new one."""
    with db.session() as session:
        account = store.account_by_id(session, account_id)
        if account is None:
            raise NotFound("no such account")
        account.totp_secret = None
        account.totp_enabled = False
        account.totp_last_step = None
        store.delete_sessions_of(session, account.id)
        store.add_event(
            session,
            at=clock.now(),
            action="second-factor-reset",
            actor_id=admin_id,
            subject_id=account.id,
        )


# --- reset links -----------------------------------------------------------------------------


def issue_reset_link(
    db: ServerDatabase, admin_id: uuid.UUID, account_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> str:
    """A one-time token for ``/reset/<token>``; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with db.session() as session:
        if store.account_by_id(session, account_id) is None:
            raise NotFound("no such account")
        store.add_reset_link(session, token, account_id, admin_id, now, now + RESET_LINK_LIFETIME)
        store.add_event(
            session, at=now, action="reset-link-issued", actor_id=admin_id, subject_id=account_id
        )
    return token


def reset_link_account(db: ServerDatabase, token: str, clock: Clock = SYSTEM_CLOCK) -> AccountView:
    """The account a live reset link is for."""
    with db.session() as session:
        link = store.reset_link(session, token)
        if link is None or link.used_at is not None or link.expires_at <= clock.now():
            raise NotFound("this reset link is not valid (used, expired or mistyped)")
        account = store.account_by_id(session, link.account_id)
        if account is None:
            raise NotFound("this reset link is not valid (used, expired or mistyped)")
        return view_of(account)


def use_reset_link(
    db: ServerDatabase, token: str, new_password: str, clock: Clock = SYSTEM_CLOCK
) -> AccountView:
    """Set a new password through a reset link; the link is spent and every session ends."""
    now = clock.now()
    with db.session() as session:
        link = store.reset_link(session, token)
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise NotFound("this reset link is not valid (used, expired or mistyped)")
        account = store.account_by_id(session, link.account_id)
        if account is None:
            raise NotFound("this reset link is not valid (used, expired or mistyped)")
        check_password(new_password, account.username)
        account.password_hash = hash_password(new_password)
        account.locked_until = None
        link.used_at = now
        store.clear_failures(session, account.username)
        store.delete_sessions_of(session, account.id)
        store.add_event(session, at=now, action="password-reset", subject_id=account.id)
        return view_of(account, clock)


def set_disabled(
    db: ServerDatabase,
    admin_id: uuid.UUID,
    account_id: uuid.UUID,
    disabled: bool,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Disable (every session ends) or enable an account."""
    with db.session() as session:
        account = store.account_by_id(session, account_id)
        if account is None:
            raise NotFound("no such account")
        account.disabled_at = clock.now() if disabled else None
        if disabled:
            store.delete_sessions_of(session, account.id)
        store.add_event(
            session,
            at=clock.now(),
            action="account-disabled" if disabled else "account-enabled",
            actor_id=admin_id,
            subject_id=account.id,
        )
