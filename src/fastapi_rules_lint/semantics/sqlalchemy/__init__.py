"""SQLAlchemy semantics, answered once for every rule: which expressions are known to be
a sync ``Session``/``scoped_session`` (annotations, constructors, dependency results,
``Annotated`` aliases across modules), declarative models and the 1.x → 2.0 tables.
"""
