"""Validators whose refusal is a catalog code with its bound, so ``body_errors`` can say it in the
reader's language (marshmallow's own sentences are English)."""

from __future__ import annotations

from marshmallow import validate


def at_most(characters: int) -> validate.Length:
    return validate.Length(max=characters, error="api.body.too_long|{max}")


def between(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error="api.body.out_of_range|{min}–{max}")


def few(items: int) -> validate.Length:
    return validate.Length(max=items, error="api.body.too_many|{max}")


def one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error="api.body.one_of|" + ", ".join(choices))
