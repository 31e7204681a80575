"""The one error the store raises; it lives in `coach.errors` so that the transcript model,
which the store reads through, can raise it too without importing the store."""

from coach.errors import StoreError

__all__ = ["StoreError"]
