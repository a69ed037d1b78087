"""Writes that touch several models: small keyword-only functions, each atomic."""
