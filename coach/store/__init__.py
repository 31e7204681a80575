"""Session files on disk: the only room that writes them.

One YAML file per reflection (docs/transcripts.md), written atomically after every answer,
files 0600 in a 0700 folder; a header cache makes listing a large archive fast; advisory locks
keep two coach processes from resuming one session. The store handles plain dicts and imports
neither the engine nor any UI, so every front end and tool can use it.
"""

from coach.store import locations, yamlio
from coach.store.atomic import ensure_private_dir, write_atomic
from coach.store.errors import StoreError
from coach.store.locations import packs_dirs, sessions_dir
from coach.store.store import (
    BODY_KEYS,
    HEADER_KEYS,
    INDEX_NAME,
    SCHEMA,
    Listing,
    SessionBusy,
    SessionLock,
    SessionStore,
    SessionSummary,
    load_file,
    read_header,
)

__all__ = [
    "BODY_KEYS",
    "HEADER_KEYS",
    "INDEX_NAME",
    "SCHEMA",
    "Listing",
    "SessionBusy",
    "SessionLock",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "ensure_private_dir",
    "load_file",
    "locations",
    "packs_dirs",
    "read_header",
    "sessions_dir",
    "write_atomic",
    "yamlio",
]
