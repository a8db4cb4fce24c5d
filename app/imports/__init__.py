"""Importing inventories from files: upload, mapping, validation into a staging table, commit, undo."""
