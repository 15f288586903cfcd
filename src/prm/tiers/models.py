"""The tier program: requirements and benefits per tier, periodic evaluation, proposals,
approval and history.
"""
