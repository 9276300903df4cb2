"""Supervision inspections (督导检查) of rooms and townships, and their rectification (整改)."""
