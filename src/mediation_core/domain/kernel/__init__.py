"""The engine every aggregate runs on: rules with their basis, deciders, the fold, and the
inputs a decision reads. Nothing here knows any particular aggregate."""
