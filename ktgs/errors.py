"""Typed exceptions of the library. The CLI and UI turn them into one friendly line."""


class KtgsError(Exception):
    """Base class: anything the user can act on."""


class ParseError(KtgsError):
    """A file could not be read or parsed (corrupt, encrypted, empty, wrong type …)."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class UnsupportedFormatError(ParseError):
    pass


class EncryptedFileError(ParseError):
    pass


class EmptyFileError(ParseError):
    pass


class FileTooLargeError(ParseError):
    pass


class ModelError(KtgsError):
    """Unknown model name, missing weights, wrong checksum."""


class ChecksumError(ModelError):
    pass


class IndexMismatchError(KtgsError):
    """The index was built with another embedder or text pipeline than the one asked for."""


class IndexNotFoundError(KtgsError):
    pass


class StoreError(KtgsError):
    pass


class LLMError(KtgsError):
    """The language model or its endpoint failed."""


class EvalError(KtgsError):
    pass


class UnitNotFoundError(KtgsError):
    """A unit id that is not in the catalog."""


class IndexStateError(KtgsError):
    """The vectors, the manifest and the catalog disagree (or belong to another machine); the
    message names the command that repairs it. Nothing is dropped to make them agree."""


class AccessError(KtgsError):
    """An unknown access level, role or group, or an action the user's role may not take."""


class AuthError(KtgsError):
    """Wrong name or password, a disabled user, too many failed attempts, an expired session."""
