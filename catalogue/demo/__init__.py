"""The demo catalogue: its examples (examples.json) and their illustrations, drawn by code.

`load-demo` gives a handful of examples a cover (one of them a small gallery and a report), so
that the demo shows what pictures look like; credit and licence say where they come from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import media
from ..extensions import db
from ..models import Example
from . import drawings as d
from .drawings import Scene

CREDIT = "Catalogue des alliances (illustration générée)"
LICENCE = "cc0"


@dataclass(frozen=True)
class Drawing:
    """A drawn photo and its alternative text, which says what is drawn."""

    scene: Scene
    alt: str


@dataclass(frozen=True)
class Illustrated:
    """The pictures (the first one is the cover) and documents of one demo example."""

    photos: list[Drawing]
    documents: list[tuple[str, Scene]] = field(default_factory=list)


# Demo examples by title (catalogue/demo/examples.json); tests check that each one exists.
DEMO_PICTURES: dict[str, Illustrated] = {
    "Un jardin partagé et une cuisine solidaire dans le quartier Monclar à Avignon": Illustrated(
        [Drawing(d.garden, "Dessin : bacs de légumes d’un jardin partagé au pied des immeubles, "
                           "sous le soleil.")]),
    "La Ferme des Possibles, un tiers-lieu agricole pour former les jeunes du Pays de "
    "Redon": Illustrated(
        [Drawing(d.harvest, "Dessin : un panier de légumes fraîchement cueillis posé dans "
                            "l’herbe."),
         Drawing(d.garden, "Dessin : des bacs de légumes en rangs, sous le soleil."),
         Drawing(d.kitchen, "Dessin : une marmite fumante sur une cuisinière et des légumes "
                            "posés sur une table.")],
        [("Bilan de la première promotion de jeunes formés", d.report_page)],
    ),
    "Une coopérative de livraison à vélo cargo pour le dernier kilomètre à Bordeaux": Illustrated(
        [Drawing(d.cargo_bike, "Dessin : un vélo cargo avec sa caisse en bois dans une rue bordée "
                             "de façades colorées.")]),
    "À Roubaix, des « ambassadeurs de l’énergie » pour sortir les ménages de la précarité "
    "énergétique": Illustrated(
        [Drawing(d.houses, "Dessin : une rangée de maisons de briques au crépuscule, quelques "
                         "fenêtres allumées.")]),
    "Des filets de pêche usagés aux objets du quotidien : la filière finistérienne de "
    "recyclage": Illustrated(
        [Drawing(d.sea_nets, "Dessin : un bateau de pêche sur les vagues et des filets verts "
                           "entassés sur le quai.")]),
    "Un fablab universitaire ouvert aux collégiens et aux artisans de l’Essonne": Illustrated(
        [Drawing(d.fablab, "Dessin : un établi avec une imprimante 3D, des engrenages et un "
                         "tournevis.")]),
    "Plongeurs, chantier naval et chercheurs s’allient pour protéger les herbiers de posidonie "
    "de la rade d’Hyères": Illustrated(
        [Drawing(d.seagrass, "Dessin : un herbier de posidonie sous l’eau claire, un poisson et "
                           "des bulles de plongeur.")]),
    "Le football en marchant, une passerelle vers la santé pour les seniors ajacciens": Illustrated(
        [Drawing(d.football, "Dessin : un ballon devant un but sur une pelouse verte.")]),
    "Des bibliothèques de rue et des ateliers numériques pour les enfants de Mamoudzou": Illustrated(
        [Drawing(d.books, "Dessin : des piles de livres colorés sur une natte à l’ombre d’un "
                        "arbre.")]),
}


def add_pictures(examples: Iterable[Example]) -> int:
    """Give the demo examples among these their drawings, in the session; return how many files."""
    db.session.flush()  # the examples get their ids
    added = 0
    for example in examples:
        illustrated = DEMO_PICTURES.get(example.title)
        if illustrated is None:
            continue
        for position, drawing in enumerate(illustrated.photos):
            media.store_image(d.png(drawing.scene, f"{example.slug}-{position}"), "photo",
                              example_id=example.id, position=position, alt=drawing.alt,
                              credit=CREDIT, licence=LICENCE)
            added += 1
        for position, (title, scene) in enumerate(illustrated.documents):
            media.store_document(d.pdf(scene, f"{example.slug}-document-{position}"), title,
                                 example_id=example.id, position=position)
            added += 1
    return added
