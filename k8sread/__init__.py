"""k8sread: read the Kubernetes source in a terminal, with notes pinned to line ranges."""

__version__ = "0.1.0"
