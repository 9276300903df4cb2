"""pluggy markers: the project name, the entry-point group, and the two decorators."""

import pluggy

PROJECT = "mediation_core"
ENTRY_POINT_GROUP = "mediation_core.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
