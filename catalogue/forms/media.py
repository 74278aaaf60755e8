"""The photos and documents of the example form: one row per file, a file kept between tries.

A file accepted while another field is wrong is stored at once as a staged media (no owner);
its row then carries a signed token instead of the file, so it is not sent again
(`catalogue.attachments`).
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField
from wtforms.utils import unset_value
from wtforms.widgets import HiddenInput

from .. import taxonomy
from ..models.media import ALT_MAX, CREDIT_MAX, DOCUMENT_TITLE_MAX
from .common import term_choices, text

PHOTOS_MAX = 5  # the cover and four more
DOCUMENTS_MAX = 3
IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class AttachmentRow(Form):
    """What photo and document rows share: the file, or the token of the file already kept."""

    staged = StringField(widget=HiddenInput())
    remove = BooleanField()  # labelled per row (MediaFields.label_media_rows)

    # Set by attachments.kept() when the row's token opens a staged media.
    media = None

    @property
    def new_file(self):
        """Return the file sent with this request for this row, or None."""
        data = self.file.data
        return data if data is not None and getattr(data, "filename", "") else None

    @property
    def has_file(self) -> bool:
        return self.new_file is not None or (self.media is not None and not self.remove.data)

    def typed(self) -> bool:
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.has_file and self.typed() and not self.remove.data:
            self.file.errors.append(gettext("Choisissez le fichier, ou videz les champs de cette ligne."))
            return False
        return True


class PhotoForm(AttachmentRow):
    """One photo: the image, its alternative text, its credit and its licence."""

    file = FileField(
        _l("Photo"),
        description=_l("JPEG, PNG ou WebP, 10 Mo au plus."),
        render_kw={"accept": IMAGE_TYPES},
    )
    alt = text(
        _l("Texte alternatif"),
        ALT_MAX,
        description=_l(
            "Ce que montre la photo, en une phrase, pour les personnes qui ne la voient pas "
            "(lecteur d’écran, image non chargée). Obligatoire avec une photo."
        ),
    )
    credit = text(
        _l("Crédit"),
        CREDIT_MAX,
        description=_l("Facultatif : l’auteur ou l’autrice, par exemple « Photo : Marie Dupont »."),
    )
    licence = SelectField(
        _l("Licence"),
        choices=term_choices(taxonomy.LICENCES),
        default="autorisation",
        validate_choice=False,
        description=_l(
            "« Avec autorisation » : vous avez le droit de laisser le catalogue la montrer. "
            "Les licences Creative Commons permettent aussi à chacun de la reprendre."
        ),
    )

    def typed(self) -> bool:
        return bool(self.alt.data or self.credit.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.has_file:
            if not self.alt.data:
                self.alt.errors.append(gettext("Décrivez ce que montre la photo (texte alternatif)."))
                ok = False
            if self.licence.data not in taxonomy.LICENCES:
                self.licence.errors.append(gettext("Choisissez une licence de la liste."))
                ok = False
        return ok


class DocumentForm(AttachmentRow):
    """One PDF document and its title."""

    file = FileField(
        _l("Document"),
        description=_l("PDF, 10 Mo au plus."),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    title = text(
        _l("Titre du document"),
        DOCUMENT_TITLE_MAX,
        description=_l("Obligatoire avec un document, par exemple « Rapport d’évaluation 2023 »."),
    )

    def typed(self) -> bool:
        return bool(self.title.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.has_file and not self.title.data:
            self.title.errors.append(gettext("Donnez un titre à ce document."))
            ok = False
        return ok


class FixedRows(FieldList):
    """A fixed number of rows, each keeping its number whatever rows were sent.

    FieldList renumbers the rows it received: photo 3 sent alone would become photo 1 and
    read the file of photo 3 twice.
    """

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.last_index, self.entries, self.object_data = -1, [], data
        for index in range(self.min_entries):
            self._add_entry(formdata, index=index)


class MediaFields:
    """The photo and document rows of a form: the first photo is the cover."""

    photos = FixedRows(FormField(PhotoForm), min_entries=PHOTOS_MAX, max_entries=PHOTOS_MAX)
    documents = FixedRows(
        FormField(DocumentForm), min_entries=DOCUMENTS_MAX, max_entries=DOCUMENTS_MAX
    )

    def label_media_rows(self) -> None:
        """Give each row labels that say which file it is, for the summary and screen readers."""
        for i, entry in enumerate(self.photos):
            row = entry.form
            name = gettext("Photo de couverture") if i == 0 else gettext(
                "Photo %(number)d", number=i + 1)
            row.file.label.text = name
            row.alt.label.text = gettext("%(photo)s : texte alternatif", photo=name)
            row.credit.label.text = gettext("%(photo)s : crédit", photo=name)
            row.licence.label.text = gettext("%(photo)s : licence", photo=name)
            row.remove.label.text = gettext("Retirer cette photo")
        for i, entry in enumerate(self.documents, start=1):
            row = entry.form
            row.file.label.text = gettext("Document %(number)d", number=i)
            row.title.label.text = gettext("Titre du document %(number)d", number=i)
            row.remove.label.text = gettext("Retirer ce document")

    def media_rows(self) -> list[AttachmentRow]:
        return [e.form for e in self.photos] + [e.form for e in self.documents]
