"""The app's screens: start, check-in, reflection, summary."""
