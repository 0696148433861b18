"""JSON-LD on a stranger's document: pinned contexts, budgets, lossless expansion, canonical forms."""
