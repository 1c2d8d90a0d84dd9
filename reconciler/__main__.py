"""Allow ``python -m reconciler`` as well as the ``reconcile`` console script."""

from reconciler.cli.main import main

main()
