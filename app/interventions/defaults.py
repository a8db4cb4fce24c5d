"""Starting SLA rules and checklists, loaded with the demo and editable as data afterwards.

Rules without a type apply to every asset type that has no rule of its own.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interventions.models import SlaRule, TaskTemplate
from app.inventory.models import AssetType

DEFAULT_SLA_RULES = (
    dict(priority=1, asset_type_id=None, hours=4, counting="calendar"),  # safety: made safe within 4 h
    dict(priority=2, asset_type_id=None, hours=24, counting="calendar"),
    dict(priority=3, asset_type_id=None, hours=40, counting="working"),  # one working week
    dict(priority=4, asset_type_id=None, hours=160, counting="working"),  # four working weeks
)
# (asset type, priority, hours, counting): stricter rules for equipment the control room watches.
TYPED_SLA_RULES = (
    ("traffic_junction", 1, 2, "calendar"),
    ("traffic_junction", 2, 8, "calendar"),
    ("signal_head", 2, 8, "calendar"),
    ("cctv_camera", 2, 12, "calendar"),
    ("bollard", 2, 8, "calendar"),
    ("street_light", 3, 24, "working"),
)


def _tasks(*pairs: tuple[str, str]) -> list[dict]:
    return [{"label_fr": fr, "label_en": en} for fr, en in pairs]


SAFETY = ("Baliser et sécuriser la zone", "Mark out and secure the area")
CLEAN_UP = ("Remettre le site en état", "Leave the site clean")
# (kind, asset type or None for every type, tasks)
DEFAULT_TASK_TEMPLATES = (
    ("corrective", None, _tasks(SAFETY, ("Diagnostiquer la panne", "Diagnose the fault"),
                                ("Réparer ou remplacer", "Repair or replace"),
                                ("Tester le fonctionnement", "Test that it works"), CLEAN_UP)),
    ("corrective", "street_light", _tasks(SAFETY, ("Consigner le circuit", "Isolate the circuit"),
                                          ("Contrôler lampe, driver et connexions", "Check lamp, driver and connections"),
                                          ("Réparer ou remplacer", "Repair or replace"),
                                          ("Remettre sous tension et vérifier l'allumage", "Re-energise and check it lights"),
                                          CLEAN_UP)),
    ("corrective", "traffic_junction", _tasks(SAFETY, ("Passer le carrefour en clignotant", "Switch the junction to flashing amber"),
                                              ("Lire le journal du contrôleur", "Read the controller log"),
                                              ("Réparer ou remplacer", "Repair or replace"),
                                              ("Vérifier le cycle des feux", "Check the signal cycle"), CLEAN_UP)),
    ("preventive", None, _tasks(SAFETY, ("Contrôle visuel", "Visual check"), ("Nettoyer", "Clean"),
                                ("Noter l'état (1 à 5)", "Grade the condition (1 to 5)"), CLEAN_UP)),
    ("preventive", "cctv_camera", _tasks(SAFETY, ("Nettoyer l'optique et le caisson", "Clean the lens and housing"),
                                         ("Vérifier l'image et la mise au point", "Check the image and focus"),
                                         ("Vérifier l'enregistrement au PC", "Check recording with the control room"))),
    ("preventive", "luminaire", _tasks(SAFETY, ("Remplacer la lampe", "Replace the lamp"),
                                       ("Nettoyer la vasque", "Clean the bowl"),
                                       ("Vérifier l'allumage", "Check it lights"))),
    ("inspection", None, _tasks(("Contrôle visuel", "Visual check"), ("Photographier", "Take photos"),
                                ("Noter l'état (1 à 5)", "Grade the condition (1 to 5)"))),
    ("inspection", "traffic_junction", _tasks(("Contrôler les têtes de feux", "Check the signal heads"),
                                              ("Contrôler les détecteurs", "Check the detectors"),
                                              ("Lire le journal du contrôleur", "Read the controller log"),
                                              ("Vérifier les temps de cycle", "Check the cycle times"))),
    ("installation", None, _tasks(SAFETY, ("Poser l'équipement", "Install the equipment"),
                                  ("Raccorder et tester", "Connect and test"),
                                  ("Relever la position exacte", "Survey the exact position"), CLEAN_UP)),
    ("removal", None, _tasks(SAFETY, ("Déconnecter", "Disconnect"), ("Déposer l'équipement", "Remove the equipment"),
                             ("Évacuer vers le dépôt", "Take it to the depot"), CLEAN_UP)),
)


def load_intervention_defaults(session: Session) -> None:
    """Add the default SLA rules and task templates that are not there yet (idempotent)."""
    type_ids = {code: type_id for code, type_id in session.execute(select(AssetType.code, AssetType.id))}
    existing_rules = {tuple(row) for row in session.execute(select(SlaRule.priority, SlaRule.asset_type_id))}
    wanted_rules = [dict(rule) for rule in DEFAULT_SLA_RULES] + [
        dict(priority=p, asset_type_id=type_ids[code], hours=h, counting=c)
        for code, p, h, c in TYPED_SLA_RULES if code in type_ids
    ]
    session.add_all(SlaRule(**rule) for rule in wanted_rules
                    if (rule["priority"], rule["asset_type_id"]) not in existing_rules)
    existing_templates = {tuple(row) for row in session.execute(select(TaskTemplate.kind, TaskTemplate.asset_type_id))}
    for kind, code, tasks in DEFAULT_TASK_TEMPLATES:
        type_id = type_ids.get(code) if code else None
        if (code is None or type_id is not None) and (kind, type_id) not in existing_templates:
            session.add(TaskTemplate(kind=kind, asset_type_id=type_id, tasks=tasks))
    session.flush()
