"""``python -m refkeeper``: the same as the ``refkeeper`` command."""

from refkeeper.cli import main

if __name__ == "__main__":
    main()
