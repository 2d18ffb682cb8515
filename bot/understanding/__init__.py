"""Understanding people: labelled corpora, a learned classifier, and the figures that judge it."""
