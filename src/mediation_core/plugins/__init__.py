"""Public plugin API: the ``hookimpl`` marker, record types, and the manager."""

from mediation_core.plugins._markers import ENTRY_POINT_GROUP, PROJECT, hookimpl
from mediation_core.plugins.manager import PluginError, Plugins, PluginStatus, load_plugins, make_plugin_manager
from mediation_core.plugins.types import Delivery, DeliveryError, LedgerReader, Notifier, Renderer, StoreBackend

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROJECT",
    "Delivery",
    "DeliveryError",
    "LedgerReader",
    "Notifier",
    "PluginError",
    "PluginStatus",
    "Plugins",
    "Renderer",
    "StoreBackend",
    "hookimpl",
    "load_plugins",
    "make_plugin_manager",
]
