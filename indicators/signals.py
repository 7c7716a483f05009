"""Signals other apps listen to. `indicators` is below the apps that extend the catalogue
(returns keeps the mappings of published files), so it says what happened and they act."""

from django.dispatch import Signal

# Sent by `catalogue.catalogue_load` when the themes and indicators (and, unless it was asked
# not to, the reference data) are loaded, inside its transaction: a receiver that raises
# `catalogue.CatalogueError` rolls the whole load back. Arguments: `reference_data` (bool).
catalogue_loaded = Signal()
