"""Authentication and authorisation, Elasticsearch-style.

- `users`: the users file (TOML): users with Argon2id password hashes (`passwords`), and roles
  granting Elasticsearch's cluster privileges (`privileges`).
- `api_keys`: API keys kept hashed in the storage (`POST`/`DELETE /_security/api_key`, and the CLI).
- `authentication`: `Authorization: Basic ...` and `Authorization: ApiKey ...`, with a short-lived
  cache of verified credentials (`cache`).
- `actions`: every route's Elasticsearch action and the privileges that grant it.
- `guard`: the `before_request` hook that enforces both; `exposure`: when it is on at all.
- `errors`: the 401 and 403 `security_exception` bodies, as Elasticsearch words them.
"""

from app.security.guard import install_security

__all__ = ["install_security"]
