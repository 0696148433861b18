"""Check-ins: local times, quiet hours and DST (:mod:`times`); the reminder tick, who is due (:mod:`tick`)."""
