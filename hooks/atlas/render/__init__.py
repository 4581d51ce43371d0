"""Pure renderers: Catalog -> Markdown, HTML, SVG and export strings. No MkDocs objects."""
