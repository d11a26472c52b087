"""The base of every rule's options: a frozen Pydantic model built from config.

It lives with the engine primitives (not beside ``Rule``) because semantics builds on
it too: the blocking-call table takes its extra entries from ``BlockingCallsOptions``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RuleOptions(BaseModel):
    """Base of every rule's options: frozen, kebab-case keys, unknown keys rejected."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=lambda name: name.replace("_", "-"),
        populate_by_name=True,
    )


class NoOptions(RuleOptions):
    """For rules without options."""
