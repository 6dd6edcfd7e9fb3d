"""Exporters: the database, or a slice of it, in the formats citing tools read."""
