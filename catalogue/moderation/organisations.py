"""Moderators' organisation work: the list, the record with its identifiers, the merge."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import media, organisation_matches
from ..extensions import db
from ..forms import EmptyForm, MergeForm, OrganisationFilterForm, OrganisationForm
from ..models import Example, Media, Organisation, OrganisationRedirect, Partner
from ..organisation_merge import MergeRefused, journal, merge
from ..organisations import name_key
from ..search.sync import record_changes
from ..views import takes_files
from .blueprint import bp, page_number

log = logging.getLogger(__name__)


def example_counts(ids: list[int]) -> dict[int, int]:
    """Return how many examples (any state) each of these organisations partners in."""
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Partner.organisation_id, sa.func.count(sa.distinct(Partner.example_id)))
        .where(Partner.organisation_id.in_(ids)).group_by(Partner.organisation_id)
    ).all())


@bp.get("/organisations/")
def organisations():
    form = OrganisationFilterForm(request.args)
    stmt = sa.select(Organisation)
    if form.validate():
        key = name_key(form.q.data or "")
        if key:
            stmt = stmt.where(Organisation.key.like(
                "%" + organisation_matches.escape_like(key) + "%", escape="\\"))
        if form.type.data:
            stmt = stmt.where(Organisation.kind == form.type.data)
    page = db.paginate(stmt.order_by(Organisation.key, Organisation.id), page=page_number(),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template(
        "moderation/organisations.html", form=form, page=page,
        counts=example_counts([o.id for o in page.items]), merges=journal(20),
    )


def get_organisation(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id, description="Organisation introuvable.")


def _page(organisation: Organisation, form: OrganisationForm | None = None,
          merge_form: MergeForm | None = None, status: int = 200):
    # IN, not JOIN … DISTINCT: PostgreSQL cannot compare the example's JSON columns.
    its = sa.select(Partner.example_id).where(Partner.organisation_id == organisation.id)
    examples = db.session.scalars(
        sa.select(Example).where(Example.id.in_(its)).order_by(Example.title)
    ).all()
    merged = db.session.scalars(
        sa.select(OrganisationRedirect)
        .where(OrganisationRedirect.organisation_id == organisation.id)
        .order_by(OrganisationRedirect.created_at.desc())
    ).all()
    return render_template(
        "moderation/organisation.html", organisation=organisation,
        form=form or OrganisationForm(obj=organisation),
        merge_form=merge_form or MergeForm(), button=EmptyForm(), examples=examples,
        merged=merged, similar=organisation_matches.similar(organisation),
    ), status


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    return _page(get_organisation(organisation_id))


@bp.post("/organisations/<int:organisation_id>")
@takes_files
def edit_organisation(organisation_id: int):
    organisation = get_organisation(organisation_id)
    form = OrganisationForm()
    if not form.validate():
        return _page(organisation, form=form, status=400)
    data = form.cleaned()
    key = name_key(data["name"])
    taken = db.session.scalar(sa.select(Organisation).where(
        Organisation.key == key, Organisation.kind == data["kind"],
        Organisation.id != organisation.id))
    if taken is not None:
        form.name.errors.append(gettext(
            "« %(name)s » porte déjà ce nom avec ce type : fusionnez les deux fiches plutôt.",
            name=taken.name))
        return _page(organisation, form=form, status=400)
    if not _change_logo(organisation, form):
        return _page(organisation, form=form, status=400)
    renamed = (organisation.name, organisation.kind) != (data["name"], data["kind"])
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation.key = key
    if renamed:  # documents may carry the organisation's name and kind
        record_changes(p.example_id for p in organisation.partners)
    db.session.commit()
    log.info("%s edited organisation %s", current_user.email, organisation.id)
    flash(gettext("Fiche de l’organisation enregistrée."), "success")
    return redirect(url_for("moderation.organisation", organisation_id=organisation.id))


def _change_logo(organisation: Organisation, form: OrganisationForm) -> bool:
    """Replace or remove the organisation's logo as the form asks; False when the file sent is
    refused (its message is on the field, nothing is stored)."""
    upload = form.logo.data
    new = None
    if upload is not None and getattr(upload, "filename", ""):
        try:
            new = media.store_image(upload.read(), "logo", organisation_id=organisation.id,
                                    alt=form.name.data or organisation.name)
        except media.MediaError as exc:
            form.logo.errors.append(str(exc))
            return False
    if new is not None or form.remove_logo.data:
        old = sa.select(Media).where(Media.organisation_id == organisation.id, Media.kind == "logo")
        for item in db.session.scalars(old):
            if item is not new:
                db.session.delete(item)
    return True


def _kept(slug: str) -> Organisation | None:
    """Return the organisation a slug names, following a merge's redirect."""
    found = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if found is None:
        moved = db.session.get(OrganisationRedirect, slug)
        found = moved.organisation if moved is not None else None
    return found


@bp.post("/organisations/<int:organisation_id>/fusion")
def merge_organisation(organisation_id: int):
    organisation = get_organisation(organisation_id)
    merge_form = MergeForm()
    if not merge_form.validate():
        return _page(organisation, merge_form=merge_form, status=400)
    kept = _kept(merge_form.into.data.strip("/").rsplit("/", 1)[-1])
    if kept is None:
        merge_form.into.errors.append(gettext("Aucune organisation n’a cette adresse."))
        return _page(organisation, merge_form=merge_form, status=400)
    name = organisation.name
    try:
        merge(organisation, kept, current_user._get_current_object())
    except MergeRefused:
        merge_form.into.errors.append(gettext(
            "Une organisation ne peut pas être fusionnée avec elle-même."))
        return _page(organisation, merge_form=merge_form, status=400)
    db.session.commit()
    flash(gettext("« %(name)s » est fusionnée dans « %(kept)s » : ses exemples et son adresse "
                  "mènent désormais ici.", name=name, kept=kept.name), "success")
    return redirect(url_for("moderation.organisation", organisation_id=kept.id))
