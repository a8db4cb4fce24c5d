"""Translatable messages from layers that must not import Flask.

Services raise errors carrying ``Msg(template, params)``; the web layer translates the
template into the user's language and fills in the parameters. ``msg`` is also the
keyword Babel extracts.
"""
from __future__ import annotations

from typing import NamedTuple


class Msg(NamedTuple):
    template: str
    params: dict

    def __str__(self) -> str:  # untranslated (CLI, logs)
        return self.template % self.params if self.params else self.template


def msg(template: str, **params: object) -> Msg:
    """A message to translate later: ``msg("Unknown value %(value)s", value=v)``."""
    return Msg(template, params)
