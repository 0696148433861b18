"""What a learner hands over, sorted: pasted text, links, platform pages, baked images."""
