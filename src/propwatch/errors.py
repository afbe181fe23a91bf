"""Errors meant for people: each message says what is wrong and what to do."""


class PropwatchError(Exception):
    """A problem with the user's input or setup, reported as one line without a traceback."""
