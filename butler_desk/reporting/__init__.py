"""PDF output with reportlab: fonts, declarative forms, letters, notices, envelopes."""
