"""Corrective action requests (SCAR/CAPA) sent to partners and answered in the portal."""
