"""The only package that imports SQLAlchemy: models, engine, migrations, audit, backups."""
