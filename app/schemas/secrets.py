"""Request bodies of the connector-secret endpoints, declared as Elasticsearch declares them.

Both parsers are strict (`ConstructingObjectParser` without `ignoreUnknownFields`); `value` is
a string, so a null is a 400 from the parser. POST leaves an absent value to the validation.
"""

from __future__ import annotations

from app.parsing import STRING, Field, ObjectParser, any_given

POST_SECRET = ObjectParser(
    "post_secret_request", [Field("value", STRING, schema={"minLength": 1})], schema=any_given("value")
)

PUT_SECRET = ObjectParser(
    "connector_secret_put_request", [Field("value", STRING, required=True, schema={"minLength": 1})]
)
