"""``python -m kg`` runs the ``dkg`` command."""
from kg.cli import main

main()
