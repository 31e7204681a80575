"""Reusable widgets of the reflection screens."""
