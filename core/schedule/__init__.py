"""Check-ins and reviews: when each learner is due (times) and what a tick does about it (service)."""
