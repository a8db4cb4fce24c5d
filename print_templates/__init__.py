"""reportlab layouts: a frozen dataclass in, PDF bytes out. No database or Flask here."""
