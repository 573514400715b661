"""Security on the command line: users, API keys, and `serve`'s secure-by-default check.

    connector-api users hash-password [--password-stdin]
    connector-api users add NAME --roles ROLE[,ROLE] [--users-file PATH] [--password-stdin]
    connector-api api-key create --name NAME --privileges P[,P] [--expiration 30d] [--owner NAME] [--storage URL]
    connector-api api-key invalidate (--id ID ... | --name NAME) [--storage URL]

Passwords are read from the terminal (twice) or, with `--password-stdin`, as one line of standard
input; only their Argon2id hash is written. `users add` appends the user to the users file
(creating it if needed) without touching the rest of it. `api-key create` prints the key once,
as `POST /_security/api_key` answers; the storage keeps only its hash.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import re
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from app.errors import ElasticsearchError
from app.security import api_keys
from app.security.exposure import decide, is_loopback
from app.security.passwords import hash_password
from app.security.principals import CLI_REALM, Principal
from app.security.privileges import RESERVED_ROLES, unknown_privilege_message, unknown_privileges
from app.security.requests import KeySelection, NewApiKey, parse_time_value, validate_new_key, validate_selection
from app.security.users import EMPTY, UserDirectory, UsersFileError, load_users
from config.loading import load_settings
from config.settings import Settings
from storage import Storage, open_storage, storage_scheme

T = TypeVar("T")

DEFAULT_USERS_FILE = Path("config/users.toml")
CLI_OWNER = "connector-api"
MIN_PASSWORD_LENGTH = 6
MAX_USERNAME_LENGTH = 507
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
SHOWN_ONCE = "The api_key and encoded values are shown only this once: the server keeps only a hash of the key."


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser("users", help="add users to a users file, hash passwords")
    user_commands = users.add_subparsers(title="users commands", required=True, metavar="{add,hash-password}")
    add = user_commands.add_parser("add", help="append a user to the users file")
    add.add_argument("username")
    add.add_argument("--roles", required=True, help="comma-separated roles, defined in the file or `superuser`")
    add.add_argument("--users-file", metavar="PATH", help=f"default: the users_file setting, else {DEFAULT_USERS_FILE}")
    _add_password_options(add)
    add.set_defaults(run=add_user)
    hashing = user_commands.add_parser("hash-password", help="print the Argon2id hash of a password")
    hashing.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    hashing.set_defaults(run=print_password_hash)

    keys = commands.add_parser("api-key", help="create and invalidate API keys in the storage")
    key_commands = keys.add_subparsers(title="api-key commands", required=True, metavar="{create,invalidate}")
    create = key_commands.add_parser("create", help="create an API key and print it (once)")
    create.add_argument("--name", required=True)
    create.add_argument("--privileges", required=True, help="comma-separated cluster privileges, e.g. manage_connector")
    create.add_argument("--expiration", help="time to live, e.g. 30d or 12h (default: never expires)")
    create.add_argument("--owner", default=CLI_OWNER, help=f"user name recorded as the owner (default {CLI_OWNER})")
    _add_storage_options(create)
    create.set_defaults(run=create_api_key)
    invalidate = key_commands.add_parser("invalidate", help="invalidate API keys by id or by name")
    chosen = invalidate.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--id", action="append", dest="ids", metavar="ID", help="a key id (repeatable)")
    chosen.add_argument("--name", help="every key with this name")
    _add_storage_options(invalidate)
    invalidate.set_defaults(run=invalidate_api_keys)


def add_serve_options(parser: argparse.ArgumentParser) -> tuple[str, ...]:
    """Add `serve`'s security options; the names of the settings they set."""
    parser.add_argument("--users-file", metavar="PATH", help="users file: turns authentication on everywhere")
    parser.add_argument(
        "--insecure",
        action="store_const",
        const="true",
        help="serve without authentication on a non-loopback address when no users or API keys exist",
    )
    return ("users_file", "insecure")


def check_exposure(settings: Settings, wait_for_migration: Callable[[], None]) -> None:
    """Refuse, with a clear message, to serve a non-loopback address without users or API keys."""
    from app.cli import UsageError

    users = _users(settings)
    if users or is_loopback(settings.host):
        return
    has_keys = False
    if storage_scheme(settings.storage) != "memory":
        wait_for_migration()
        has_keys = _run(settings.storage, api_keys.any_active_key)
    decision = decide(settings.host, settings.port, has_users=False, has_keys=has_keys, insecure=settings.insecure)
    if decision.refusal is not None:
        raise UsageError(decision.refusal)


def print_password_hash(args: argparse.Namespace) -> int:
    print(hash_password(_password(args.password_stdin)))
    return 0


def add_user(args: argparse.Namespace) -> int:
    from app.cli import UsageError

    path = Path(args.users_file or load_settings().users_file or DEFAULT_USERS_FILE)
    directory = _existing(path)
    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    _check_new_user(args.username, roles, directory, path)
    entry = _user_entry(args.username, hash_password(_password(args.password_stdin)), roles)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(entry if path.stat().st_size else _FILE_HEADER + entry)
    try:
        load_users(path)
    except UsersFileError as error:
        raise UsageError(str(error)) from None
    print(f"user [{args.username}] added to {path} with roles [{','.join(roles)}]")
    return 0


def create_api_key(args: argparse.Namespace) -> int:
    from app.cli import UsageError

    privileges = [name.strip() for name in args.privileges.split(",") if name.strip()]
    unknown = unknown_privileges(privileges)
    if unknown:
        raise UsageError(unknown_privilege_message(unknown[0]))
    try:
        expiration = None if args.expiration is None else parse_time_value(args.expiration, "expiration")
        request = NewApiKey(args.name, {args.name: {"cluster": privileges}}, expiration)
        validate_new_key(request)
    except ElasticsearchError as error:
        raise UsageError(error.reason) from None
    owner = api_keys.Owner(args.owner, CLI_REALM, None)
    now_ms = _now_ms()
    created = _run(_storage_url(args), lambda storage: api_keys.create_api_key(storage, owner, request, now_ms))
    print(json.dumps(created.as_response(), indent=2))
    print(SHOWN_ONCE, file=sys.stderr)
    return 0


def invalidate_api_keys(args: argparse.Namespace) -> int:
    from app.cli import UsageError

    selection = KeySelection(ids=None if args.ids is None else tuple(args.ids), name=args.name)
    try:
        validate_selection(selection)
    except ElasticsearchError as error:
        raise UsageError(error.reason) from None
    caller, now_ms = Principal(CLI_OWNER, CLI_REALM), _now_ms()
    result = _run(
        _storage_url(args), lambda storage: api_keys.invalidate_api_keys(storage, selection, caller, now_ms)
    )
    print(json.dumps(result.as_response(), indent=2))
    return 0


def _add_password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def _add_storage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--storage", metavar="URL", help="storage URL (default: the storage setting)")
    parser.add_argument("--config", metavar="PATH", help="TOML settings file")


def _users(settings: Settings) -> UserDirectory:
    from app.cli import UsageError

    try:
        return load_users(settings.users_file) if settings.users_file else EMPTY
    except UsersFileError as error:
        raise UsageError(str(error)) from None


def _existing(path: Path) -> UserDirectory:
    from app.cli import UsageError

    if not path.exists():
        return EMPTY
    try:
        return load_users(path)
    except UsersFileError as error:
        raise UsageError(str(error)) from None


def _check_new_user(username: str, roles: list[str], directory: UserDirectory, path: Path) -> None:
    from app.cli import UsageError

    if not 1 <= len(username) <= MAX_USERNAME_LENGTH or username != username.strip():
        raise UsageError(f"user names have 1 to {MAX_USERNAME_LENGTH} characters, without leading or trailing spaces")
    if ":" in username or not username.isprintable():
        raise UsageError("a user name cannot contain ':' (HTTP Basic ends the name there) or control characters")
    if directory.get(username) is not None:
        raise UsageError(f"user [{username}] already exists in {path}; edit or remove its entry there first")
    if not roles:
        raise UsageError("give at least one role with --roles")
    for role in roles:
        if role not in directory.roles and role not in RESERVED_ROLES:
            raise UsageError(f"role [{role}] is not defined in {path}; add [roles.{role}] with its cluster privileges")


def _password(from_stdin: bool) -> str:
    from app.cli import UsageError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise UsageError("the two passwords differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"passwords must be at least [{MIN_PASSWORD_LENGTH}] characters long")
    return password


def _user_entry(username: str, password_hash: str, roles: list[str]) -> str:
    key = username if BARE_KEY.fullmatch(username) else json.dumps(username)
    return f"\n[users.{key}]\npassword_hash = {json.dumps(password_hash)}\nroles = {json.dumps(roles)}\n"


_FILE_HEADER = "# connector-api users file: see config/users.example.toml for roles and privileges.\n"


def _storage_url(args: argparse.Namespace) -> str:
    from app.cli import UsageError, check_storage_url

    url = load_settings({"storage": args.storage}, config_path=args.config).storage
    check_storage_url(url)
    if storage_scheme(url) == "memory":
        raise UsageError("memory:// storage lives inside one server process: API keys kept there would vanish")
    return url


def _run(url: str, work: Callable[[Storage], Awaitable[T]]) -> T:
    """`work` on the storage at `url`, migrated and opened for it; a failure exits with status 1."""
    from app.cli import StartupError, redact
    from storage.migrations import upgrade_to_head

    async def run() -> T:
        storage = open_storage(url)
        await storage.open()
        try:
            return await work(storage)
        finally:
            await storage.close()

    try:
        upgrade_to_head(url)
        return asyncio.run(run())
    except Exception as error:  # any failure to reach the database is reported in one line
        raise StartupError(f"storage {redact(url)}: {' '.join(str(error).split()) or type(error).__name__}") from None


def _now_ms() -> int:
    return int(time.time() * 1000)
