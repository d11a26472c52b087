"""The project model: module summaries, module resolution and project-wide facts.

Layered below the semantics: it knows Python's import system and FastAPI's spelling of
a few constructs (``include_router``, ``Depends``), never a rule or a LibCST node.
"""
