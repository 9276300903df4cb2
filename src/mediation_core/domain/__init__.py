"""The pure domain: no I/O, no clock, no randomness. Imports only the standard library and attrs."""
