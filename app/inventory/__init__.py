"""The asset registry: asset types (as data), assets, and their append-only history."""
