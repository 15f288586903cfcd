"""Risk management: the register, 5x5 assessment, signals, responses, mitigation actions and
the heat map.
"""
