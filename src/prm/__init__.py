"""PRM: Partner Relationship Management."""
