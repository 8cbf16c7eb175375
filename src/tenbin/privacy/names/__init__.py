"""PERSON detection, split into small steps (see :mod:`tenbin.privacy.names.recognizer`)."""

from tenbin.privacy.names.recognizer import PersonRecognizer

__all__ = ["PersonRecognizer"]
