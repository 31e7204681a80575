"""The dialogue engine: packs in, prompts out, answers in, transcripts and action items out.

Pure by design: no Textual, no files, no network, no clock or randomness of its own. Every
front end (the TUI, the line mode, the retro, the tests) drives this same engine.

Names are imported on first use (`coach.lazy`): the TUI draws its first question before it
needs the engine, and `import coach.engine.errors` costs only that module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.lazy import exports

if TYPE_CHECKING:
    from coach.engine.dialogue import (
        ActionItem as ActionItem,
    )
    from coach.engine.dialogue import (
        Clock as Clock,
    )
    from coach.engine.dialogue import (
        Dialogue as Dialogue,
    )
    from coach.engine.dialogue import (
        Progress as Progress,
    )
    from coach.engine.dialogue import (
        Prompt as Prompt,
    )
    from coach.engine.dialogue import (
        Reply as Reply,
    )
    from coach.engine.dialogue import (
        RestoreError as RestoreError,
    )
    from coach.engine.dialogue import (
        SectionProgress as SectionProgress,
    )
    from coach.engine.dialogue import (
        Turn as Turn,
    )
    from coach.engine.errors import (
        PackError as PackError,
    )
    from coach.engine.errors import (
        Problem as Problem,
    )
    from coach.engine.errors import (
        TemplateFailure as TemplateFailure,
    )
    from coach.engine.pack import (
        Option as Option,
    )
    from coach.engine.pack import (
        Pack as Pack,
    )
    from coach.engine.pack import (
        Scale as Scale,
    )
    from coach.engine.pack import (
        Step as Step,
    )
    from coach.engine.pack import (
        load_pack as load_pack,
    )

__getattr__, __dir__ = exports(
    __name__,
    globals(),
    {
        "coach.engine.dialogue": (
            "ActionItem", "Clock", "Dialogue", "Progress", "Prompt", "Reply", "RestoreError",
            "SectionProgress", "Turn",
        ),
        "coach.engine.errors": ("PackError", "Problem", "TemplateFailure"),
        "coach.engine.pack": ("Option", "Pack", "Scale", "Step", "load_pack"),
    },
)  # fmt: skip
