"""Badge verification: Open Badges 2.0 and 3.0, W3C Verifiable Credentials, platform links.

Everything a badge or a learner supplies is fetched through :mod:`core.badges.net.fetcher` only.
"""
