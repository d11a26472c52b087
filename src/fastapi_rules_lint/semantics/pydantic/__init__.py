"""Pydantic semantics, answered once for every rule: which classes are models (through
the project model's class families), which expressions are known to be a model
instance or class, and the v1 → v2 API tables (methods, config keys, field arguments).
"""
