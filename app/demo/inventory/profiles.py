"""Per asset type: how many there are, where they go, when they were installed, how they fail."""
from __future__ import annotations

from dataclasses import dataclass

# Counts at scale 1 of the assets that are not street lights (which follow the streets).
BASE_COUNTS = {
    "traffic_junction": 120, "cctv_camera": 115, "road_sign": 13_000, "bench": 3_200,
    "litter_bin": 4_800, "tree": 13_500, "fountain": 60, "defibrillator": 160,
    "parking_meter": 420, "ev_charger": 150, "bollard": 180, "info_panel": 80,
    "green_space": 140, "fibre_cable": 300,
}


@dataclass(frozen=True)
class Profile:
    """How a type of asset is spread, installed and fails."""

    density_power: float  # a place weighs street length × density ** power
    years: tuple[int, int]  # installation years
    faulty: float = 0.03  # shares of assets in each final status
    out_of_service: float = 0.015
    decommissioned: float = 0.03
    planned: float = 0.015
    repairs: float = 0.15  # chance of each past fault (then repaired), up to three


PROFILES: dict[str, Profile] = {
    "lighting_cabinet": Profile(1.0, (1990, 2022), faulty=0.01, out_of_service=0.005, decommissioned=0.0,
                                planned=0.01, repairs=0.1),
    "lighting_circuit": Profile(1.0, (1990, 2022), faulty=0.01, out_of_service=0.0, decommissioned=0.0,
                                planned=0.0, repairs=0.1),
    "street_light": Profile(1.0, (1990, 2025), faulty=0.01, decommissioned=0.02, repairs=0.08),
    "luminaire": Profile(1.0, (1990, 2025), faulty=0.045, repairs=0.3),
    "traffic_junction": Profile(2.0, (1995, 2024), faulty=0.02, decommissioned=0.01, repairs=0.3),
    "signal_head": Profile(2.0, (1995, 2024), faulty=0.03, repairs=0.2),
    "cctv_camera": Profile(3.0, (2012, 2025), faulty=0.04, decommissioned=0.02, repairs=0.25),
    "bollard": Profile(4.0, (2000, 2024), faulty=0.06, repairs=0.4),
    "info_panel": Profile(2.0, (2005, 2024), faulty=0.04, repairs=0.25),
    "road_sign": Profile(1.0, (1995, 2025), faulty=0.01, decommissioned=0.04, repairs=0.05),
    "bench": Profile(1.5, (1990, 2025), faulty=0.02, decommissioned=0.03, repairs=0.08),
    "litter_bin": Profile(1.5, (2000, 2025), faulty=0.02, decommissioned=0.04, repairs=0.08),
    "tree": Profile(0.5, (1990, 2025), faulty=0.02, out_of_service=0.0, decommissioned=0.03, repairs=0.03),
    "fountain": Profile(2.0, (1990, 2020), faulty=0.05, repairs=0.3),
    "defibrillator": Profile(1.0, (2010, 2025), faulty=0.02, decommissioned=0.01, repairs=0.2),
    "parking_meter": Profile(4.0, (2008, 2024), faulty=0.05, decommissioned=0.04, repairs=0.4),
    "ev_charger": Profile(1.5, (2016, 2025), faulty=0.06, planned=0.05, repairs=0.4),
    "green_space": Profile(0.5, (1990, 2020), faulty=0.0, out_of_service=0.01, decommissioned=0.0, repairs=0.0),
    "fibre_cable": Profile(1.0, (2005, 2024), faulty=0.005, decommissioned=0.01, repairs=0.05),
}
MIRRORED_STATUSES = ("planned", "out_of_service", "decommissioned")  # a child follows its parent in these
