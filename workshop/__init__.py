"""Bedrock: run a workshop on emotional connection, in a room or at home."""

__version__ = "0.1.0"
