"""The only package that imports SQLAlchemy: models, engine, migrations, audit, backups.

Importing the package loads every model module, so ``models.Base.metadata`` always describes
the whole schema (migrations, create_all, a repository that joins across areas). The model
modules import ``models`` for ``Base``; ``models`` imports none of them, so there is no circle.
"""

from __future__ import annotations

from butler_desk.storage import models, models_arrears, models_documents, models_requests  # noqa: F401
from butler_desk.storage import models_vacancy  # noqa: F401
