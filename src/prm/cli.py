"""The ``prm`` command: Django's manage.py under the project's name.

Commands may be typed with dashes (``prm create-user``, ``prm seed-demo``); they map to
Django's underscore module names.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "prm"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
