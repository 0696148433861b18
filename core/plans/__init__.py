"""Plans as a learner has them: kept with their progress (:mod:`store`), shown as text or JSON."""
