"""Messages Django itself shows whose Korean translation Django's own catalogue lacks.

Marking them here puts them in our catalogue, which Django consults first.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (gettext_noop("- Select an option -"),)
