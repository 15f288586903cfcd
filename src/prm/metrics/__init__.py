"""Performance metrics: metrics, observations, their sources and derivations, supplier
deliveries and reseller sales.
"""
