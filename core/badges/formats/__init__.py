"""The credential formats a badge comes in: Open Badges 2.0, Open Badges 3.0 / W3C VC, VC-JWT."""
