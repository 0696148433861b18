"""SkillStack's shipped data (catalog, taxonomy, locales, issuers, time zones, JSON-LD contexts).

Installed as the package ``skillstack_data`` so an installed SkillStack finds it through
importlib.resources; core/settings.py is the one place that locates it.
"""
