"""Signals for writes Django's own signals don't announce: bulk updates and inserts.

The audit log subscribes to them, so ``QuerySet.update()``, ``bulk_create()`` and
``bulk_update()`` on business models are recorded like single saves.
"""

from django.dispatch import Signal

# sender=model, changes=[(pk, {field: before}, {field: after}), ...]
bulk_updated = Signal()
# sender=model, objects=[instance, ...]
bulk_created = Signal()
