"""Every rule of the URL map has an access decision, checked for anonymous, moderator and admin.

A new route without an entry in ACCESS fails `test_every_route_has_an_access_decision`.
"""

from __future__ import annotations

import pytest

from catalogue import reporting
from catalogue.extensions import db
from catalogue.models import Example, Revision
from catalogue.organisations import find_or_create

ANON, MODO, ADMIN = "anonymous", "moderator", "admin"
PUBLIC = {ANON: 200, MODO: 200, ADMIN: 200}
NOT_FOUND = {ANON: 404, MODO: 404, ADMIN: 404}
MODERATORS = {ANON: 302, MODO: 200, ADMIN: 200}
# An empty POST: refused as a bad request once the person may use the form.
MODERATORS_EMPTY_POST = {ANON: 302, MODO: 400, ADMIN: 400}
ADMINS_EMPTY_POST = {ANON: 302, MODO: 403, ADMIN: 400}
ADMINS = {ANON: 302, MODO: 403, ADMIN: 200}
REDIRECT = {ANON: 303, MODO: 303, ADMIN: 303}
BAD_REQUEST = {ANON: 400, MODO: 400, ADMIN: 400}

# (endpoint, method) -> (URL template, expected status per role). {pub}/{pen}: a published and
# a pending example's slug; {pub_id}/{pen_id}: their ids; {user_id}: another user; {rev_id}: an
# owner's update of the published example, waiting for a decision; {report_id}: a report on the
# published example; {org_id}: an organisation; {org}: the slug of one partner in the published
# example.
ACCESS: dict[tuple[str, str], tuple[str, dict[str, int]]] = {
    ("public.home", "GET"): ("/", PUBLIC),
    ("public.catalogue", "GET"): ("/exemples/?q=jardin&region=53", PUBLIC),
    ("public.example", "GET"): ("/exemples/{pen}", {ANON: 404, MODO: 200, ADMIN: 200}),
    ("public.framework", "GET"): ("/cadre/", PUBLIC),
    ("public.objective", "GET"): ("/cadre/objectifs/innover", PUBLIC),
    ("public.figures", "GET"): ("/cadre/chiffres", PUBLIC),
    ("public.resources", "GET"): ("/cadre/ressources", PUBLIC),
    ("public.contact", "GET"): ("/contact", PUBLIC),
    ("public.legal_notice", "GET"): ("/mentions-legales", PUBLIC),
    ("public.accessibility", "GET"): ("/accessibilite", PUBLIC),
    ("public.sitemap", "GET"): ("/plan-du-site", PUBLIC),
    ("public.organisations", "GET"): ("/organisations/?q=rennes&type=collectivite&region=53", PUBLIC),
    ("public.organisation", "GET"): ("/organisations/{org}", PUBLIC),
    ("observatory.index", "GET"): ("/observatoire/?objectif=innover", PUBLIC),
    ("observatory.chart_csv", "GET"): ("/observatoire/alliances.csv?region=53", PUBLIC),
    ("embed.builder", "GET"): ("/integrer/?q=jardin&region=53&nombre=3", PUBLIC),
    ("embed.embedded_list", "GET"): ("/integrer/liste?q=jardin&region=53&nombre=3", PUBLIC),
    ("selection.index", "GET"): ("/selection/", PUBLIC),
    ("selection.add", "POST"): ("/selection/ajouter/{pub_id}", REDIRECT),
    ("selection.remove", "POST"): ("/selection/retirer/{pub_id}", REDIRECT),
    ("selection.move_up", "POST"): ("/selection/monter/{pub_id}", REDIRECT),
    ("selection.move_down", "POST"): ("/selection/descendre/{pub_id}", REDIRECT),
    ("selection.clear", "GET"): ("/selection/vider", PUBLIC),
    ("selection.clear", "POST"): ("/selection/vider", REDIRECT),
    ("selection.shared", "GET"): ("/selection/{pub_id}-{pen_id}", PUBLIC),
    ("selection.adopt", "POST"): ("/selection/{pub_id}-{pen_id}/reprendre", REDIRECT),
    ("selection.csv", "GET"): ("/selection/{pub_id}-{pen_id}.csv", PUBLIC),
    ("selection.xlsx", "GET"): ("/selection/{pub_id}-{pen_id}.xlsx", PUBLIC),
    ("selection.pdf", "GET"): ("/selection/{pub_id}-{pen_id}.pdf", PUBLIC),
    ("selection.example_pdf", "GET"): ("/exemples/{pen}.pdf", NOT_FOUND),
    ("static", "GET"): ("/static/favicon.svg", PUBLIC),
    # Who sees which stored file: tests/test_media_serving.py.
    ("media.file", "GET"): ("/medias/" + "0" * 64 + ".jpg", NOT_FOUND),
    ("healthz", "GET"): ("/healthz", PUBLIC),
    ("language", "GET"): ("/langue/en?next=/exemples/", {ANON: 303, MODO: 303, ADMIN: 303}),
    ("exports.csv", "GET"): ("/exemples.csv", PUBLIC),
    ("exports.xlsx", "GET"): ("/exemples.xlsx", PUBLIC),
    ("exports.json_export", "GET"): ("/exemples.json", PUBLIC),
    ("exports.atom", "GET"): ("/flux.atom", PUBLIC),
    ("api.index", "GET"): ("/api/", PUBLIC),
    ("api.import_template", "GET"): ("/api/modele-import.csv", PUBLIC),
    ("api.examples", "GET"): ("/api/v1/examples", PUBLIC),
    ("api.example", "GET"): ("/api/v1/examples/{pen_id}", NOT_FOUND),
    ("api.openapi_document", "GET"): ("/api/v1/openapi.json", PUBLIC),
    ("api.vocabularies", "GET"): ("/api/v1/taxonomy", PUBLIC),
    ("api.organisation_suggestions", "GET"): ("/api/v1/organisations/suggestions?q=ma", PUBLIC),
    ("alerts.new", "GET"): ("/alertes/nouvelle?q=jardin", PUBLIC),
    ("alerts.new", "POST"): ("/alertes/nouvelle?q=jardin", PUBLIC),  # re-shows the form with errors
    ("alerts.sent", "GET"): ("/alertes/envoyee", PUBLIC),
    ("alerts.confirm", "GET"): ("/alertes/confirmer/faux-jeton", NOT_FOUND),
    ("alerts.confirm", "POST"): ("/alertes/confirmer/faux-jeton", NOT_FOUND),
    ("alerts.unsubscribe", "GET"): ("/alertes/desabonner/faux-jeton", NOT_FOUND),
    # Answers alike whether or not the address was subscribed: nothing to learn from it.
    ("alerts.unsubscribe", "POST"): ("/alertes/desabonner/faux-jeton", PUBLIC),
    ("reports.new", "GET"): ("/exemples/{pub}/signaler", PUBLIC),
    ("reports.new", "POST"): ("/exemples/{pub}/signaler", BAD_REQUEST),  # the form, with errors
    ("reports.thanks", "GET"): ("/exemples/{pub}/signaler/merci", PUBLIC),
    # Its contributor did not accept messages: no form.
    ("contact.write", "GET"): ("/exemples/{pub}/contacter", NOT_FOUND),
    ("contact.write", "POST"): ("/exemples/{pub}/contacter", NOT_FOUND),
    ("contact.sent", "GET"): ("/exemples/{pub}/contacter/envoye", NOT_FOUND),
    ("contribute.submit", "GET"): ("/proposer", PUBLIC),
    ("contribute.submit", "POST"): ("/proposer", PUBLIC),  # re-shows the form with errors
    ("contribute.thanks", "GET"): ("/proposer/merci", PUBLIC),
    ("contribute.staged_file", "GET"): ("/proposer/fichier/faux-jeton", NOT_FOUND),
    ("contribute.follow", "GET"): ("/proposer/suivi/faux-jeton", NOT_FOUND),
    ("contribute.follow", "POST"): ("/proposer/suivi/faux-jeton", NOT_FOUND),
    ("contribute.forget", "POST"): ("/proposer/suivi/faux-jeton/oubli", NOT_FOUND),
    ("contribute.forget", "GET"): ("/proposer/suivi/faux-jeton/oubli", NOT_FOUND),
    ("contribute.messages_consent", "POST"): ("/proposer/suivi/faux-jeton/contact", NOT_FOUND),
    ("contribute.withdraw", "GET"): ("/proposer/suivi/faux-jeton/retrait", NOT_FOUND),
    ("contribute.withdraw", "POST"): ("/proposer/suivi/faux-jeton/retrait", NOT_FOUND),
    ("contribute.update", "GET"): ("/proposer/suivi/faux-jeton/mise-a-jour", NOT_FOUND),
    ("contribute.update", "POST"): ("/proposer/suivi/faux-jeton/mise-a-jour", NOT_FOUND),
    ("contribute.yearly_check", "GET"): ("/proposer/suivi/faux-jeton/actualite", NOT_FOUND),
    ("contribute.yearly_check", "POST"): ("/proposer/suivi/faux-jeton/actualite", NOT_FOUND),
    ("contribute.renew", "GET"): ("/exemples/{pub}/porteur", PUBLIC),
    ("contribute.renew", "POST"): ("/exemples/{pub}/porteur", PUBLIC),  # re-shows the form
    ("auth.login", "GET"): ("/connexion", {ANON: 200, MODO: 302, ADMIN: 302}),
    ("auth.login", "POST"): ("/connexion", {ANON: 200, MODO: 302, ADMIN: 302}),
    ("auth.logout", "POST"): ("/deconnexion", {ANON: 302, MODO: 302, ADMIN: 302}),
    ("moderation.queue", "GET"): ("/moderation/", MODERATORS),
    ("moderation.review", "GET"): ("/moderation/exemples/{pen_id}", MODERATORS),
    ("moderation.decide", "POST"): ("/moderation/exemples/{pen_id}/decision", MODERATORS_EMPTY_POST),
    ("moderation.edit", "GET"): ("/moderation/exemples/{pen_id}/modifier", MODERATORS),
    ("moderation.edit", "POST"): ("/moderation/exemples/{pen_id}/modifier", MODERATORS_EMPTY_POST),
    ("moderation.journal", "GET"): ("/moderation/journal", MODERATORS),
    ("moderation.reports", "GET"): ("/moderation/signalements?etat=open", MODERATORS),
    ("moderation.report", "GET"): ("/moderation/signalements/{report_id}", MODERATORS),
    ("moderation.report_decide", "POST"): ("/moderation/signalements/{report_id}/decision",
                                           MODERATORS_EMPTY_POST),
    ("moderation.messages", "GET"): ("/moderation/messages", MODERATORS),
    ("moderation.organisations", "GET"): ("/moderation/organisations/?q=ma&type=association",
                                          MODERATORS),
    ("moderation.organisation", "GET"): ("/moderation/organisations/{org_id}", MODERATORS),
    ("moderation.edit_organisation", "POST"): ("/moderation/organisations/{org_id}",
                                               MODERATORS_EMPTY_POST),
    ("moderation.merge_organisation", "POST"): ("/moderation/organisations/{org_id}/fusion",
                                                MODERATORS_EMPTY_POST),
    ("moderation.revision", "GET"): ("/moderation/mises-a-jour/{rev_id}", MODERATORS),
    ("moderation.decide_revision", "POST"): ("/moderation/mises-a-jour/{rev_id}/decision",
                                             MODERATORS_EMPTY_POST),
    ("moderation.password", "GET"): ("/moderation/mot-de-passe", MODERATORS),
    ("moderation.password", "POST"): ("/moderation/mot-de-passe", MODERATORS),
    ("moderation.bulk_approve", "POST"): ("/moderation/publier", {ANON: 302, MODO: 302, ADMIN: 302}),
    ("moderation.users", "GET"): ("/moderation/utilisateurs", ADMINS),
    ("moderation.users", "POST"): ("/moderation/utilisateurs", ADMINS_EMPTY_POST),
    ("moderation.user_active", "POST"): ("/moderation/utilisateurs/{user_id}/activation",
                                         {ANON: 302, MODO: 403, ADMIN: 302}),
    ("moderation.user_password", "GET"): ("/moderation/utilisateurs/{user_id}/mot-de-passe", ADMINS),
    ("moderation.user_password", "POST"): ("/moderation/utilisateurs/{user_id}/mot-de-passe", ADMINS),
    ("moderation.user_role", "POST"): ("/moderation/utilisateurs/{user_id}/role", ADMINS_EMPTY_POST),
}


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_an_access_decision(app):
    assert routes(app) == set(ACCESS)


@pytest.fixture
def world(app, make_example, make_user, record):
    published = make_example("published")
    pending = make_example("pending", title="Une proposition en attente")
    make_user("modo@example.org", "moderator")
    make_user("admin@example.org", "admin")
    other = make_user("autre@example.org", "moderator")
    with app.app_context():
        revision = Revision(example_id=published.id, data=record(title="Mise à jour"))
        db.session.add(revision)
        report = reporting.file(db.session.get(Example, published.id), "Le lien est mort.")
        organisation = find_or_create("Maison des associations", "association")
        for partner in db.session.get(Example, published.id).partners:
            partner.organisation = find_or_create(partner.name, partner.kind)
        org = partner.organisation.slug
        db.session.commit()
        revision_id, report_id, organisation_id = revision.id, report.id, organisation.id
    return {"pub": published.slug, "pen": pending.slug, "pub_id": published.id,
            "pen_id": pending.id, "user_id": other.id, "rev_id": revision_id,
            "report_id": report_id, "org_id": organisation_id, "org": org}


@pytest.mark.parametrize("role", [ANON, MODO, ADMIN])
def test_access_matrix(app, world, role):
    wrong = []
    for (endpoint, method), (template, expected) in sorted(ACCESS.items()):
        client = app.test_client()
        if role != ANON:
            login = client.post("/connexion", data={
                "email": f"{'modo' if role == MODO else 'admin'}@example.org",
                "password": "correct horse battery"})
            assert login.status_code == 302
        url = template.format(**world)
        response = client.open(url, method=method)
        response.close()
        if response.status_code != expected[role]:
            wrong.append((endpoint, method, url, response.status_code, expected[role]))
        if expected[role] == 302 and endpoint.startswith("moderation.") and role == ANON:
            assert response.headers["Location"].startswith("/connexion?next="), (endpoint, method)
    assert wrong == [], "\n".join(map(str, wrong))


def test_unpublished_example_is_404_not_403(client, world):
    response = client.get(f"/exemples/{world['pen']}")
    assert response.status_code == 404


@pytest.mark.parametrize("role", [ANON, MODO])
def test_unpublished_example_cannot_be_reported(app, world, role):
    client = app.test_client()
    if role == MODO:
        client.post("/connexion", data={"email": "modo@example.org",
                                        "password": "correct horse battery"})
    for method, path in (("GET", "signaler"), ("POST", "signaler"), ("GET", "signaler/merci")):
        response = client.open(f"/exemples/{world['pen']}/{path}", method=method,
                               data={"message": "Erreur"})
        assert response.status_code == 404, (method, path)


# Values an attacker sends instead of the expected ones: numbers beyond 64 bits, dates beyond
# the calendar, a huge page. Every rule gets them, for every role: never a 500.
ODD_NUMBER = "99999999999999999999"
ODD_QUERY = "?page=9223372036854775807&du=0001-01-01&au=9999-12-31&id=" + ODD_NUMBER


def odd_url(rule) -> str:
    values = {name: ODD_NUMBER if type(rule._converters[name]).__name__ != "UnicodeConverter"
              else "x" * 300 for name in rule.arguments}
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value)
        for converter in ("int", "string", "path"):
            path = path.replace(f"<{converter}:{name}>", value)
    return path + ODD_QUERY


@pytest.mark.parametrize("role", [ANON, MODO, ADMIN])
def test_every_rule_survives_odd_values(app, world, role):
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            client = app.test_client()
            if role != ANON:
                client.post("/connexion", data={
                    "email": f"{'modo' if role == MODO else 'admin'}@example.org",
                    "password": "correct horse battery"})
            url = odd_url(rule)
            response = client.open(url, method=method)
            response.close()
            if response.status_code >= 500:
                failures.append((method, url, response.status_code))
    assert failures == []
