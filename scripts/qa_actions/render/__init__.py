"""Renderers: model in, text out. No I/O and no GitHub here."""
