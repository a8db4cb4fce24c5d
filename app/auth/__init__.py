"""Accounts, roles, commune scopes and login sessions."""
