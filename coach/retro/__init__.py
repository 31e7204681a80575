"""Group retros: private answers, one shared board, blind dot-voting (docs/retro.md)."""
