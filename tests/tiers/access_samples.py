"""Samples of the tiers app's models for the generated access tests (tests/access)."""

from tests.access.samples import generic

FACTORIES = {
    "tiers.TierProposal": generic,
    "tiers.TierChange": generic,
}

UNRESTRICTED_MODELS = {
    "tiers.TierRequirement": "what each tier asks of a partner (program rules written by "
    "admins; every partner may read the program)",
    "tiers.TierBenefit": "what each tier gives (program reference data written by admins)",
}
