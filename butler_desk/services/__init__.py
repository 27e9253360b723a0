"""Services: one unit of work per public call; return dataclasses, never ORM objects."""
