"""The dialogue's features, one module each: its commands, question steps and menus in a
:class:`~core.dialogue.context.Router`.  None imports the engine, which composes them."""
