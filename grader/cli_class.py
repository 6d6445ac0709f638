"""Instructor commands for a whole class: `grade class`, `grade report`, `grade release`."""
