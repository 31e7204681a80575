"""Tools for pack authors: check, draw, test and random-walk packs; the pack JSON Schema.

Used by `coach packs check|graph|schema|test`. Reads files (the engine does not), never
imports Textual, and runs packs only through the same engine a leader meets.
"""
