class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user as is (Chinese)."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
