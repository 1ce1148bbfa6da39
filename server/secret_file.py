"""Reading a secret from a file named on the command line: at most a few kilobytes (the path
may name a device), surrounding whitespace (a final newline) dropped, and one sentence naming
the flag when it cannot be had. The secret itself is never quoted."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 4096


def read_secret_file(path: str, flag: str, holding: str) -> bytes:
    """The file's secret bytes. ValueError naming `flag` (and what the file should hold,
    `holding`) when it cannot be read or is larger than `MAX_FILE_BYTES`."""
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)  # never more: the path may be a device
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ValueError(
            f"{flag} {path!r} cannot be read ({reason}): give a readable file holding {holding}."
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(
            f"{flag} {path!r} holds more than {MAX_FILE_BYTES} bytes: give a file holding only "
            f"{holding}."
        )
    return raw.strip()
