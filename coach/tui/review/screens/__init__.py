"""The review app's screens: the sessions table, a session read whole, what needs attention,
and one leader's trends."""
