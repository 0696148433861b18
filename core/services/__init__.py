"""Use cases: plain values and a unit of work (a Session) in, what happened out.

The dialogue, the CLI and (next) the educator features call these alike; none of them knows of a
conversation, a channel or a reply's wording.
"""
