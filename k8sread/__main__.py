"""`python -m k8sread`: the same as the `k8sread` command."""

import sys

from k8sread.cli import main

sys.exit(main())
