"""Importers: turn outside lists into database entries."""
