"""`coach review`: the coach's side of coach, a Textual app over `coach.archive.Archive`."""
