"""Parse stage: read the chapter files and the bibliography, and parse them with pandoc.

`sources` reads and decodes the files, `bibliography` turns the bibliography into CSL JSON,
`pandoc` runs the custom Lua reader over batches of chapters, `scan` and `sourcemap` recover the
manuscript lines that pandoc's AST does not carry.
"""
