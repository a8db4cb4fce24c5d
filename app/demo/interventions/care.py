"""What happens to each type of asset: how often it breaks and how, who mends it, what they
find and do, and which routine visits it gets. Texts are the demo's French content."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    """What the crew found and did, and what became of the asset."""

    cause: str
    action: str
    outcome: str = "back_in_service"
    part: str | None = None


@dataclass(frozen=True)
class Problem:
    """One way an asset goes wrong: how it is reported, its priority, how it is mended."""

    code: str  # app.interventions.models.PROBLEMS
    weight: float
    descriptions: tuple[str, ...]
    fixes: tuple[Fix, ...]
    priorities: tuple[float, float, float, float]  # chances of P1..P4


@dataclass(frozen=True)
class Routine:
    """A preventive visit or an inspection, ``per_year`` times per asset on average."""

    kind: str
    per_year: float
    minutes: int
    description: str
    action: str


@dataclass(frozen=True)
class Care:
    team: str  # a team key of crews.TEAMS; "lighting" is the north or south team by place
    minutes: int  # the estimate of a corrective visit
    per_year: float  # corrective interventions per asset and year
    problems: tuple[Problem, ...]
    alarm: bool = False  # supervised: faults often come from an alarm, at any hour
    seasonal: bool = False  # more faults in the long winter nights
    routine: Routine | None = None


LIGHTING = ("luminaire", "street_light", "lighting_cabinet", "lighting_circuit")  # care team "lighting"
GRAFFITI = Fix("Tags", "Nettoyage anti-graffiti", "no_change")
LOOSE = Fix("Fixation desserrée", "Réorientation et serrage")

CARE: dict[str, Care] = {
    "luminaire": Care("lighting", 60, 0.02, seasonal=True, problems=(
        Problem("out_of_order", 0.85, ("Point lumineux éteint", "Lampadaire éteint signalé par un riverain",
                                       "Luminaire qui clignote", "Luminaire allumé en plein jour"), (
            Fix("Lampe en fin de vie", "Remplacement de la lampe", part="Lampe SHP 100 W"),
            Fix("Driver LED défaillant", "Remplacement du driver", part="Driver LED 350 mA"),
            Fix("Connexion oxydée dans la lanterne", "Reprise des connexions"),
            Fix("Appareillage grillé après un orage", "Remplacement de l'appareillage", part="Platine d'appareillage"),
            Fix("Luminaire hors d'usage", "Remplacement du luminaire", "replaced", "Luminaire LED"),
        ), (0, 0.03, 0.92, 0.05)),
        Problem("damaged", 0.1, ("Vasque cassée", "Luminaire endommagé par un choc"), (
            Fix("Vasque brisée par un jet de pierre", "Remplacement de la vasque", part="Vasque polycarbonate"),
            Fix("Luminaire détruit par un choc", "Remplacement du luminaire", "replaced", "Luminaire LED"),
        ), (0, 0.1, 0.8, 0.1)),
        Problem("vandalism", 0.05, ("Luminaire vandalisé",), (
            Fix("Acte de vandalisme", "Remplacement de la vasque et de la lampe", part="Vasque polycarbonate"),
        ), (0, 0.05, 0.85, 0.1)),
    )),
    "street_light": Care("lighting", 120, 0.003, seasonal=True, problems=(
        Problem("out_of_order", 0.5, ("Mât d'éclairage hors tension", "Candélabre éteint"), (
            Fix("Câble sectionné en pied de mât", "Reprise de la connexion en pied de mât",
                part="Boîte de raccordement classe II"),
            Fix("Fusible de pied de mât fondu", "Remplacement du fusible", part="Fusible 4 A"),
        ), (0, 0.05, 0.9, 0.05)),
        Problem("damaged", 0.4, ("Candélabre heurté par un véhicule", "Porte de visite arrachée, câbles accessibles"), (
            Fix("Choc de véhicule, mât plié", "Remplacement du mât", "replaced", "Mât acier 8 m"),
            Fix("Porte de visite manquante", "Pose d'une porte de visite neuve", part="Porte de visite"),
        ), (0.1, 0.6, 0.3, 0)),
        Problem("misaligned", 0.1, ("Candélabre penché",), (
            Fix("Massif de fondation déstabilisé", "Redressement et recalage du mât"),
        ), (0, 0.2, 0.7, 0.1)),
    )),
    "lighting_cabinet": Care("lighting", 120, 0.12, seasonal=True, problems=(
        Problem("out_of_order", 0.8, ("Rue entière éteinte", "Armoire d'éclairage en défaut",
                                      "Éclairage allumé en journée sur tout un secteur"), (
            Fix("Disjoncteur différentiel déclenché", "Recherche du défaut d'isolement et réarmement"),
            Fix("Horloge astronomique déréglée", "Reprogrammation de l'horloge"),
            Fix("Contacteur grillé", "Remplacement du contacteur", part="Contacteur 40 A"),
        ), (0, 0.6, 0.4, 0)),
        Problem("damaged", 0.2, ("Porte d'armoire forcée",), (
            Fix("Serrure forcée", "Remplacement de la serrure", part="Serrure à clé triangle"),
        ), (0, 0.3, 0.7, 0)),
    ), routine=Routine("inspection", 0.2, 60, "Visite de contrôle de l'armoire d'éclairage",
                       "Contrôle des protections, de l'horloge et des consommations")),
    "lighting_circuit": Care("lighting", 240, 0.03, seasonal=True, problems=(
        Problem("out_of_order", 1.0, ("Série de points lumineux éteints", "Départ d'éclairage en défaut"), (
            Fix("Défaut d'isolement sur le câble", "Localisation du défaut et pose d'une jonction",
                part="Jonction souterraine"),
            Fix("Câble arraché lors de travaux tiers", "Réfection du câble", part="Câble U-1000 R2V 4×16 mm²"),
        ), (0, 0.5, 0.5, 0)),
    )),
    "traffic_junction": Care("traffic", 180, 0.3, alarm=True, problems=(
        Problem("out_of_order", 0.8, ("Carrefour en clignotant orange", "Feux éteints au carrefour",
                                      "Défaut contrôleur remonté par la supervision"), (
            Fix("Carte de puissance défaillante", "Remplacement de la carte", part="Carte de puissance"),
            Fix("Coupure d'alimentation", "Réarmement et contrôle de l'alimentation"),
            Fix("Plan de feux corrompu", "Rechargement du plan de feux"),
        ), (0.25, 0.75, 0, 0)),
        Problem("damaged", 0.2, ("Détecteur de boucle hors service",), (
            Fix("Boucle de détection sectionnée", "Pose d'une nouvelle boucle", part="Boucle de détection"),
        ), (0, 0.2, 0.8, 0)),
    ), routine=Routine("inspection", 1.0, 120, "Contrôle annuel du carrefour à feux",
                       "Contrôle des têtes de feux, des détecteurs et du cycle")),
    "signal_head": Care("traffic", 90, 0.05, alarm=True, problems=(
        Problem("out_of_order", 0.7, ("Feu rouge éteint", "Feu piéton hors service"), (
            Fix("Module LED défaillant", "Remplacement du module LED", part="Module LED Ø200 rouge"),
            Fix("Connexion desserrée", "Reprise des connexions"),
        ), (0.15, 0.85, 0, 0)),
        Problem("damaged", 0.2, ("Tête de feu heurtée",), (
            Fix("Choc de poids lourd", "Remplacement de la tête de feu", "replaced", "Tête de feu 3 feux"),
        ), (0, 1.0, 0, 0)),
        Problem("misaligned", 0.1, ("Feu désorienté",), (LOOSE,), (0, 0.5, 0.5, 0)),
    )),
    "cctv_camera": Care("cctv", 120, 0.3, alarm=True, problems=(
        Problem("out_of_order", 0.7, ("Perte du flux vidéo", "Caméra hors ligne au centre de supervision"), (
            Fix("Switch PoE bloqué", "Remplacement du switch", part="Switch PoE industriel"),
            Fix("Alimentation défaillante", "Remplacement de l'alimentation", part="Injecteur PoE"),
            Fix("Caméra hors d'usage", "Remplacement de la caméra", "replaced", "Caméra IP"),
        ), (0, 0.8, 0.2, 0)),
        Problem("dirty", 0.15, ("Image floue", "Dôme sale : image voilée"), (
            Fix("Dôme encrassé", "Nettoyage du dôme", "no_change"),
        ), (0, 0, 0.6, 0.4)),
        Problem("vandalism", 0.15, ("Caméra vandalisée", "Dôme tagué"), (
            Fix("Dôme tagué", "Nettoyage et remplacement du dôme", part="Dôme de protection"),
        ), (0, 0.5, 0.5, 0)),
    ), routine=Routine("preventive", 1.0, 60, "Maintenance préventive annuelle de la caméra",
                       "Nettoyage de l'optique, contrôle de l'image et de l'enregistrement")),
    "fibre_cable": Care("cctv", 240, 0.01, problems=(
        Problem("out_of_order", 1.0, ("Coupure de fibre : liaison vidéo interrompue",), (
            Fix("Fibre sectionnée lors de travaux tiers", "Soudure et pose d'un boîtier d'épissure",
                part="Boîtier d'épissure"),
        ), (0, 1.0, 0, 0)),
    )),
    "info_panel": Care("traffic", 90, 0.3, problems=(
        Problem("out_of_order", 0.75, ("Panneau d'information éteint", "Affichage partiel"), (
            Fix("Module LED défaillant", "Remplacement du module", part="Module d'affichage"),
            Fix("Perte de communication", "Remplacement du modem", part="Modem 4G"),
        ), (0, 0.1, 0.9, 0)),
        Problem("vandalism", 0.25, ("Écran tagué",), (GRAFFITI,), (0, 0, 0.5, 0.5)),
    )),
    "bollard": Care("furniture", 120, 0.4, alarm=True, problems=(
        Problem("out_of_order", 0.8, ("Borne escamotable bloquée en position haute", "Borne bloquée en position basse",
                                      "Borne ne répondant plus à l'interphone"), (
            Fix("Vérin hydraulique défaillant", "Remplacement du vérin", part="Vérin hydraulique"),
            Fix("Boucle de sécurité défectueuse", "Remplacement de la boucle", part="Boucle de détection"),
            Fix("Carte de commande grillée", "Remplacement de la carte", part="Carte de commande"),
        ), (0.1, 0.9, 0, 0)),
        Problem("damaged", 0.2, ("Borne percutée par un véhicule",), (
            Fix("Choc de véhicule", "Remplacement de la borne", "replaced", "Borne automatique"),
        ), (0.1, 0.9, 0, 0)),
    )),
    "road_sign": Care("roads", 60, 0.01, problems=(
        Problem("damaged", 0.5, ("Panneau plié", "Panneau arraché"), (
            Fix("Choc de véhicule", "Remplacement du panneau", "replaced", "Panneau de police"),
            Fix("Support tordu", "Redressement du support"),
        ), (0, 0.2, 0.8, 0)),
        Problem("misaligned", 0.25, ("Panneau tourné", "Panneau masqué par la végétation"), (LOOSE,), (0, 0, 0.7, 0.3)),
        Problem("dirty", 0.1, ("Panneau illisible",), (Fix("Panneau encrassé", "Nettoyage du panneau", "no_change"),),
                (0, 0, 0.4, 0.6)),
        Problem("vandalism", 0.15, ("Panneau tagué",), (GRAFFITI,), (0, 0, 0.3, 0.7)),
    )),
    "bench": Care("furniture", 60, 0.012, problems=(
        Problem("damaged", 0.7, ("Banc dégradé", "Lame de banc cassée", "Banc descellé"), (
            Fix("Lame bois cassée", "Remplacement des lames", part="Lame de banc"),
            Fix("Banc descellé", "Rescellement du banc"),
            Fix("Banc irréparable", "Dépose du banc", "decommissioned"),
        ), (0, 0, 0.6, 0.4)),
        Problem("vandalism", 0.3, ("Banc tagué",), (GRAFFITI,), (0, 0, 0.3, 0.7)),
    )),
    "litter_bin": Care("furniture", 30, 0.01, problems=(
        Problem("damaged", 0.6, ("Corbeille arrachée", "Corbeille brûlée"), (
            Fix("Corbeille incendiée", "Remplacement de la corbeille", "replaced", "Corbeille 100 L"),
            Fix("Support tordu", "Redressement et refixation"),
        ), (0, 0, 0.6, 0.4)),
        Problem("dirty", 0.4, ("Abords de la corbeille souillés",), (
            Fix("Dépôts autour de la corbeille", "Nettoyage des abords", "no_change"),
        ), (0, 0, 0.5, 0.5)),
    )),
    "tree": Care("green", 120, 0.006, problems=(
        Problem("damaged", 0.6, ("Branche cassée menaçant de tomber", "Arbre penché après un coup de vent"), (
            Fix("Branche morte", "Élagage de mise en sécurité"),
            Fix("Arbre dépérissant, risque de chute", "Abattage et dessouchage", "decommissioned"),
        ), (0.15, 0.35, 0.5, 0)),
        Problem("other", 0.4, ("Racines soulevant le trottoir", "Feuillage clairsemé : arbre malade ?"), (
            Fix("Dépérissement", "Diagnostic phytosanitaire et taille sanitaire"),
        ), (0, 0, 0.3, 0.7)),
    ), routine=Routine("inspection", 0.01, 30, "Diagnostic sanitaire de l'arbre",
                       "Contrôle visuel et au maillet, relevé de l'état")),
    "green_space": Care("green", 180, 0.08, problems=(
        Problem("damaged", 0.6, ("Arrosage automatique en panne", "Clôture endommagée"), (
            Fix("Électrovanne d'arrosage bloquée", "Remplacement de l'électrovanne", part="Électrovanne d'arrosage"),
            Fix("Clôture arrachée", "Réparation de la clôture", part="Panneau de clôture"),
        ), (0, 0, 0.6, 0.4)),
        Problem("other", 0.4, ("Dépôt sauvage dans l'espace vert",), (
            Fix("Dépôt sauvage", "Enlèvement des déchets", "no_change"),
        ), (0, 0, 0.5, 0.5)),
    )),
    "fountain": Care("furniture", 120, 0.3, problems=(
        Problem("out_of_order", 0.7, ("Fontaine à boire sans eau", "Fuite d'eau au pied de la fontaine"), (
            Fix("Robinet poussoir bloqué", "Remplacement du robinet poussoir", part="Robinet poussoir"),
            Fix("Électrovanne bloquée", "Remplacement de l'électrovanne", part="Électrovanne 1/2\""),
        ), (0, 0.1, 0.9, 0)),
        Problem("dirty", 0.3, ("Vasque encrassée",), (
            Fix("Dépôts calcaires et salissures", "Nettoyage et désinfection de la vasque", "no_change"),
        ), (0, 0, 0.5, 0.5)),
    ), routine=Routine("preventive", 1.0, 90, "Entretien saisonnier de la fontaine à boire",
                       "Nettoyage, désinfection et contrôle du débit")),
    "defibrillator": Care("furniture", 45, 0.08, alarm=True, problems=(
        Problem("out_of_order", 0.8, ("Défibrillateur en défaut à l'autotest", "Voyant d'état rouge"), (
            Fix("Batterie en fin de vie", "Remplacement de la batterie", part="Batterie DAE"),
            Fix("Électrodes périmées", "Remplacement des électrodes", part="Électrodes adulte"),
        ), (0, 0.9, 0.1, 0)),
        Problem("vandalism", 0.2, ("Boîtier du défibrillateur forcé",), (
            Fix("Boîtier forcé", "Remplacement du boîtier", part="Boîtier mural chauffé"),
        ), (0, 0.9, 0.1, 0)),
    ), routine=Routine("inspection", 0.5, 30, "Vérification du défibrillateur",
                       "Contrôle de l'autotest, des électrodes et de la batterie")),
    "parking_meter": Care("furniture", 60, 0.2, problems=(
        Problem("out_of_order", 0.8, ("Horodateur hors service", "Paiement par carte refusé", "Écran éteint"), (
            Fix("Lecteur de carte défaillant", "Remplacement du lecteur", part="Lecteur de carte sans contact"),
            Fix("Batterie déchargée", "Remplacement de la batterie", part="Batterie 12 V"),
            Fix("Monnayeur bloqué", "Débourrage du monnayeur"),
        ), (0, 0, 0.9, 0.1)),
        Problem("vandalism", 0.2, ("Horodateur fracturé",), (
            Fix("Tentative d'effraction", "Remplacement de la porte du coffre", part="Porte de coffre"),
        ), (0, 0.3, 0.7, 0)),
    ), routine=Routine("preventive", 0.1, 45, "Entretien de l'horodateur",
                       "Nettoyage, contrôle du lecteur et du monnayeur")),
    "ev_charger": Care("furniture", 90, 0.4, alarm=True, problems=(
        Problem("out_of_order", 0.85, ("Borne de recharge hors service", "Recharge impossible",
                                       "Défaut remonté par la supervision"), (
            Fix("Carte de communication défaillante", "Remplacement de la carte", part="Carte OCPP"),
            Fix("Câble de charge endommagé", "Remplacement du câble de charge", part="Câble T2 7 m"),
            Fix("Disjoncteur déclenché", "Réarmement et contrôle"),
        ), (0, 0.2, 0.8, 0)),
        Problem("damaged", 0.15, ("Borne de recharge percutée",), (
            Fix("Choc de véhicule", "Remplacement de la borne", "replaced", "Borne de recharge 22 kW"),
        ), (0, 0.5, 0.5, 0)),
    ), routine=Routine("preventive", 0.5, 60, "Maintenance préventive de la borne de recharge",
                       "Contrôle électrique, test de charge et nettoyage")),
}

# Work at a place without an asset, located at a road sign's place (not linked to it).
ROADWORK_PER_SIGN_AND_YEAR = 0.004
ROADWORK = Problem("damaged", 1.0, ("Nid-de-poule sur la chaussée", "Affaissement du trottoir",
                                    "Marquage au sol effacé"), (
    Fix("Dégradation de la chaussée", "Rebouchage à l'enrobé à froid", "no_change", "Enrobé à froid"),
    Fix("Affaissement localisé", "Reprise du revêtement", "no_change"),
), (0, 0.1, 0.6, 0.3))
ROADWORK_MINUTES = 90

# Why interventions were cancelled, and why work was put on hold.
CANCEL_REASONS = ("Doublon d'un signalement déjà traité", "Signalement non confirmé : équipement fonctionnel",
                  "Relève d'un autre gestionnaire (réseau ENEDIS)", "Travaux de requalification prévus sur la voie")
HOLD_REASONS = ("En attente de pièce : {part}", "Accès impossible : véhicule stationné",
                "En attente de la consignation du réseau", "Intempéries : travail en hauteur impossible")
REOPEN_REASON = "La panne est réapparue après l'intervention"
VISIT_ACTION = "Visite de contrôle effectuée, rien à signaler"  # a plan's visit of a type without routine
FAULT_REASONS = ("Panne signalée par un usager", "Défaut constaté en tournée", "Alarme de supervision")
