"""KPIs as safe formulas over metrics, targets, weighted scorecards per period with standings
and their actions, disputes.
"""
