"""The tablet app of field agents (/field/): their day, mission sheets, offline actions
replayed exactly once, and problems reported on the spot."""
