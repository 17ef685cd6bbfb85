"""Pure-Python domain: codes, value types, validators and rules. No database, no Qt."""
