"""The JSON Schema of the pack format, shipped as package data (`pack.schema.json`).

Editors with YAML support read it through the `# yaml-language-server: $schema=...` line at
the top of a pack and complete and check keys while the author types. `coach packs check`
remains the authority: the schema knows shapes, not flow or templates.
"""
