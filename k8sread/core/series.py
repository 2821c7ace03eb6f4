"""The Kubernetes source the bundled series is written against."""

from __future__ import annotations

KUBERNETES_URL = "https://github.com/kubernetes/kubernetes.git"
# release-1.22: every line number in the bundled packs refers to this commit.
SERIES_COMMIT = "b68064208b29e5956cdff79a94831b52dc50d89a"
SERIES_RELEASE = "1.22"
DEFAULT_CLONE_DIR = "kubernetes"
