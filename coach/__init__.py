"""coach: a terminal reflection coach for sales leaders."""

__version__ = "0.1.0"
