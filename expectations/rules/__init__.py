"""Rule modules, one per concept; each exposes `RULES`. The registry lists them explicitly."""
