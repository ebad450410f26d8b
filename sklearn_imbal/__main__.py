"""``python -m sklearn_imbal``: the ``sklearn-imbal`` command."""

from sklearn_imbal.cli import main

raise SystemExit(main())
