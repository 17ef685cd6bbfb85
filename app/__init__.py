"""老娘舅 — the Qt-free core: domain rules, database, documents and services."""

__version__ = "0.1.0"
