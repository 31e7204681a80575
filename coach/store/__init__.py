"""Session files on disk: the only room that writes them.

One YAML file per reflection (docs/transcripts.md), written atomically after every answer,
files 0600 in a 0700 folder; a header cache makes listing a large archive fast; advisory locks
keep two coach processes from resuming one session. The store handles plain dicts and imports
neither the engine nor any UI, so every front end and tool can use it.

Names are imported on first use (`coach.lazy`): `coach.store.locations` alone costs only
that module, not the store and the transcript model behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.lazy import exports

if TYPE_CHECKING:
    from coach.store import locations as locations
    from coach.store import yamlio as yamlio
    from coach.store.atomic import (
        ensure_private_dir as ensure_private_dir,
    )
    from coach.store.atomic import (
        write_atomic as write_atomic,
    )
    from coach.store.errors import StoreError as StoreError
    from coach.store.locations import packs_dirs as packs_dirs
    from coach.store.locations import sessions_dir as sessions_dir
    from coach.store.store import (
        BODY_KEYS as BODY_KEYS,
    )
    from coach.store.store import (
        HEADER_KEYS as HEADER_KEYS,
    )
    from coach.store.store import (
        INDEX_NAME as INDEX_NAME,
    )
    from coach.store.store import (
        SCHEMA as SCHEMA,
    )
    from coach.store.store import (
        Listing as Listing,
    )
    from coach.store.store import (
        SessionBusy as SessionBusy,
    )
    from coach.store.store import (
        SessionLock as SessionLock,
    )
    from coach.store.store import (
        SessionStore as SessionStore,
    )
    from coach.store.store import (
        SessionSummary as SessionSummary,
    )
    from coach.store.store import (
        load_file as load_file,
    )
    from coach.store.store import (
        read_header as read_header,
    )

__getattr__, __dir__ = exports(
    __name__,
    globals(),
    {
        "coach.store.atomic": ("ensure_private_dir", "write_atomic"),
        "coach.store.errors": ("StoreError",),
        "coach.store.locations": ("packs_dirs", "sessions_dir"),
        "coach.store.store": (
            "BODY_KEYS", "HEADER_KEYS", "INDEX_NAME", "SCHEMA", "Listing", "SessionBusy",
            "SessionLock", "SessionStore", "SessionSummary", "load_file", "read_header",
        ),
        "coach.store": ("locations", "yamlio"),
    },
)  # fmt: skip
