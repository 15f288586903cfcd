"""Periodic reviews (QBR) with generated reports and action items, and joint business plans."""
