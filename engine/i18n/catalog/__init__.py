"""The catalog modules, one per area; ``engine.i18n`` merges them (a code may appear only once)."""
