"""The Textual front end. Imported only by the subcommands that open it (it is the slow part
of start-up); the engine, store and session know nothing of it."""
