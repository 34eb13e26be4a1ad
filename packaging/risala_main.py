"""Entry point of the frozen client: the same as the ``risala`` console script."""

import sys

if __name__ == "__main__":
    try:
        from ui.main import main
    except ModuleNotFoundError as exc:  # ui/main.py not written yet: only the self-test runs
        if exc.name != "ui.main" or "--self-test" not in sys.argv:
            raise
        from ui.selftest import run_self_test as main
    sys.exit(main())
