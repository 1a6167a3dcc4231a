"""The registry's API tokens and deployment secrets (a part of `Registry`, store/registry.py)."""

from __future__ import annotations

import secrets

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from oligoguide.store.errors import (
    AlreadyExists,
    StoreInputError,
    TokenNotFound,
)
from oligoguide.store.hashing import (
    TOKEN_PREFIX,
    new_token,
    token_hash,
)
from oligoguide.store.records import (
    Principal,
    Role,
    TokenInfo,
)
from oligoguide.store.registry_base import (
    _MAX_TOKEN_LENGTH,
    _TOKEN_NAME,
    ANONYMOUS,
    CASE_KEY_SECRET,
    SECRET_BYTES,
    SYSTEM,
    TOKEN_USE_RESOLUTION,
    RegistryBase,
    _now,
)
from oligoguide.store.schema import (
    SecretRow,
    TokenRow,
)

#: The token check's query, built once: it runs on every request, and a statement built per call
#: costs more than the query (SQLAlchemy compares each new statement with its cached one).
_TOKEN_BY_HASH = select(
    TokenRow.id, TokenRow.name, TokenRow.role, TokenRow.revoked_at, TokenRow.last_used_at
).where(TokenRow.token_hash == bindparam("token_hash"))


class TokensPart(RegistryBase):
    """API tokens (only their sha256 stored) and the deployment secrets."""

    # -- API tokens ----------------------------------------------------------------------------

    def create_token(self, name: str, role: Role | str, *, actor: str = "system") -> str:
        """Create an API token and return its secret: the only time it is ever available.

        Only the sha256 of the secret is stored. Names are unique for good (a revoked name is
        not reused), so the audit log's actor names stay unambiguous.
        """
        if not _TOKEN_NAME.match(name):
            raise StoreInputError(
                "a token name is 1-100 letters, digits or . _ @ - and starts with a letter or digit"
            )
        try:
            parsed = Role(role)
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise StoreInputError(f"unknown role {role!r}: use one of {known}") from None
        secret = new_token()
        with self._operation(actor, "create_token", "token", name) as op:
            if op.session.execute(select(TokenRow.id).where(TokenRow.name == name)).first():
                raise AlreadyExists(f"a token named {name!r} exists (names are never reused)")
            op.session.add(
                TokenRow(
                    name=name,
                    role=parsed.value,
                    token_hash=token_hash(secret),
                    created_at=op.at,
                    created_by=op.actor,
                )
            )
            try:
                op.session.flush()
            except IntegrityError:
                raise AlreadyExists(f"a token named {name!r} exists") from None
            op.detail = f"role={parsed.value}"
        return secret

    def authenticate(self, token: str) -> Principal | None:
        """The principal of an active token, or None (unknown, malformed or revoked).

        Refusals are audited (actor 'anonymous', or the token's name when it was revoked);
        successes are not, since the request's own audit entry names the principal.
        """
        well_formed = (
            isinstance(token, str)
            and token.startswith(TOKEN_PREFIX)
            and len(token) <= _MAX_TOKEN_LENGTH
        )
        # The lookup only reads (the service does it on every request): a read transaction,
        # which on SQLite does not queue for the write lock. The rare writes, a refusal's audit
        # row and the last-use time, each take their own writing transaction afterwards.
        row = None
        if well_formed:
            row = self._read_row(_TOKEN_BY_HASH, {"token_hash": token_hash(token)})
        if row is None or row.revoked_at is not None:
            with self._operation(ANONYMOUS, "authenticate", "token") as op:
                op.outcome = "denied"
                if row is None:
                    op.detail = "unknown token" if well_formed else "malformed token"
                else:
                    op.target_id = row.name
                    op.detail = "revoked token"
            return None
        at = _now()
        if row.last_used_at is None or at - row.last_used_at >= TOKEN_USE_RESOLUTION:
            with self._transaction() as session:
                session.execute(
                    update(TokenRow).where(TokenRow.id == row.id).values(last_used_at=at)
                )
        return Principal(name=row.name, role=Role(row.role))

    def revoke_token(self, name: str, *, actor: str = "system") -> None:
        """Revoke a token for good. TokenNotFound if there is none of that name."""
        with self._operation(actor, "revoke_token", "token", name) as op:
            row = op.session.execute(
                select(TokenRow).where(TokenRow.name == name).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise TokenNotFound(name)
            if row.revoked_at is not None:
                op.outcome = "unchanged"
                return
            row.revoked_at = op.at
            row.revoked_by = op.actor

    def list_tokens(self, *, actor: str = "system") -> list[TokenInfo]:
        """Every token (active and revoked), oldest first, without secrets or hashes."""
        with self._operation(actor, "list_tokens", "token") as op:
            rows = op.session.execute(select(TokenRow).order_by(TokenRow.id)).scalars()
            tokens = [
                TokenInfo(
                    name=r.name,
                    role=Role(r.role),
                    created_at=r.created_at,
                    created_by=r.created_by,
                    last_used_at=r.last_used_at,
                    revoked_at=r.revoked_at,
                )
                for r in rows
            ]
            op.detail = f"results={len(tokens)}"
            return tokens

    def has_active_token(self) -> bool:
        """Whether any token is active: the service asks on each request to know whether it
        runs in local mode. Not audited: it names no token and reads no clinical data, and one
        audit row per request would bury the entries that matter (writes, reads of cases,
        token changes, refused authentications)."""
        with self._transaction(read_only=True) as session:
            found = session.execute(
                select(TokenRow.id).where(TokenRow.revoked_at.is_(None)).limit(1)
            ).first()
        return found is not None

    # -- deployment secrets --------------------------------------------------------------------

    def case_key_secret(self) -> bytes:
        """The secret of pseudonymous FHIR case ids (`oligoguide.fhir.case_key`).

        Made (32 random bytes) the first time any process asks, then the same for every
        process and restart on this database, so a re-sent patient maps to the same case.
        """
        found = self._secrets.get(CASE_KEY_SECRET)
        if found is None:
            found = self._secrets[CASE_KEY_SECRET] = self._deployment_secret(CASE_KEY_SECRET)
        return found

    def _deployment_secret(self, name: str) -> bytes:
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        with self._operation(SYSTEM, "create_secret", "secret", name) as op:
            made = op.session.execute(
                insert(SecretRow)
                .values(name=name, value=secrets.token_hex(SECRET_BYTES), created_at=op.at)
                .on_conflict_do_nothing(index_elements=["name"])  # made before, or by a rival
                .returning(SecretRow.name)
            ).first()
            op.audited = made is not None  # audit the creation only
            value = op.session.execute(
                select(SecretRow.value).where(SecretRow.name == name)
            ).scalar_one()
        return bytes.fromhex(value)
