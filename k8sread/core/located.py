"""Moved to k8sread.core.placement (one type says where a note sits); kept until the last
importers are updated."""

from k8sread.core.placement import Locator, Placement

__all__ = ["Locator", "Placement"]
