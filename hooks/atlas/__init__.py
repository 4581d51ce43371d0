"""MM-LLM Atlas engine: load -> validate -> render, free of MkDocs objects.

The MkDocs glue lives in hooks/main.py; scripts and tests import this package directly.
"""
