"""The base of every rule's options: a frozen Pydantic model built from config.

It lives with the engine primitives (not beside ``Rule``) because semantics builds on
it too: the blocking-call table takes its extra entries from ``BlockingCallsOptions``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RuleOptions(BaseModel):
    """Base of every rule's options: frozen, kebab-case keys, unknown keys rejected.

    A subclass's fields must all have plain defaults (no ``default_factory``, no
    validators): a rule that is not configured gets ``model_construct()``, which
    must equal validating ``{}`` (``tests/test_settings.py`` checks every rule's).
    """

    # The validator is built on first validation (a configured rule), not at import:
    # a run without rule options never pays for building it.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=lambda name: name.replace("_", "-"),
        populate_by_name=True,
        defer_build=True,
    )


class NoOptions(RuleOptions):
    """For rules without options."""
