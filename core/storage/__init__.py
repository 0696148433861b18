"""Where everything lasting is kept: the engine and unit of work, column types, tables, migrations."""
