"""Pure rules and calculations of the butler's job: no Qt, no SQLAlchemy."""
