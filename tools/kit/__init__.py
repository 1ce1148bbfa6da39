"""What the tool modules share: the state a call reaches (`state`), one replay reference
resolved (`resolve`), a page cut to the budget (`paging`), the result (`answer`), parameter
types (`params`), sanitised text (`text`, `facts`), the registry and its schemas, and the
tool-level errors. Nothing here imports a tool module."""
