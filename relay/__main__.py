"""``python -m relay``: same as the ``risala-relay`` console script."""

from relay.cli import main

main()
