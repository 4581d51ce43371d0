"""Patches to the tools the site is built with, each named for what it patches.

- ``abbr``: Python-Markdown's abbr extension, fed the glossary once, with a linear tree walk;
- ``navigation``: Material's navigation, rendered once per folder for pages outside it;
- ``bibtex``: mkdocs-bibtex, reading the catalog's references instead of parsing the file again;
- ``html``: the HTML MkDocs writes, narrowed to one byte per character and without template indentation.

Each is tested against the upstream behaviour it relies on (tests/test_shims.py).
"""
