"""Organisations: each partner refers to one; existing partner names become organisations

One organisation per normalised name and kind; its name is the spelling used most often.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 23:20:00

"""
import re
import unicodedata
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op
from slugify import slugify

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _key(name):
    # Frozen copy of catalogue.organisations.name_key as of this migration.
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")  # ligatures NFKD leaves whole
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def upgrade():
    op.create_table(
        'organisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=220), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('siren', sa.String(length=9), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=False),
        sa.Column('rna', sa.String(length=10), nullable=False),
        sa.Column('cog', sa.String(length=5), nullable=False),
        sa.Column('website', sa.String(length=500), nullable=False),
        sa.Column('commune', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
        sa.UniqueConstraint('key', 'kind', name=op.f('uq_organisation_key')),
        sa.UniqueConstraint('slug', name=op.f('uq_organisation_slug')),
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_kind'), ['kind'], unique=False)
    op.create_table(
        'organisation_redirect',
        sa.Column('slug', sa.String(length=220), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'],
                                name=op.f('fk_organisation_redirect_actor_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_organisation_redirect_organisation_id_organisation'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_organisation_redirect')),
    )
    with op.batch_alter_table('organisation_redirect', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_redirect_organisation_id'),
                              ['organisation_id'], unique=False)
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_partner_organisation_id'), ['organisation_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_partner_organisation_id_organisation'),
                                    'organisation', ['organisation_id'], ['id'],
                                    ondelete='SET NULL')
    _partners_to_organisations()


def _partners_to_organisations():
    bind = op.get_bind()
    partner = sa.table('partner', sa.column('id', sa.Integer), sa.column('name', sa.String),
                       sa.column('kind', sa.String), sa.column('organisation_id', sa.Integer))
    organisation = sa.table(
        'organisation', *(sa.column(c, sa.String) for c in (
            'slug', 'name', 'key', 'kind', 'siren', 'siret', 'rna', 'cog', 'website', 'commune')),
        sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime),
        sa.column('updated_at', sa.DateTime),
    )
    groups = defaultdict(list)
    for row in bind.execute(sa.select(partner.c.id, partner.c.name, partner.c.kind)
                            .order_by(partner.c.id)):
        groups[(_key(row.name), row.kind)].append(row)
    now = sa.func.current_timestamp()
    slugs = set()
    for (key, kind), rows in groups.items():
        name = Counter(r.name.strip() for r in rows).most_common(1)[0][0]
        base = slugify(name, max_length=80, word_boundary=True) or "organisation"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        organisation_id = bind.execute(
            organisation.insert().values(
                slug=slug, name=name, key=key, kind=kind, siren='', siret='', rna='', cog='',
                website='', commune='', created_at=now, updated_at=now,
            ).returning(organisation.c.id)
        ).scalar_one()
        for start in range(0, len(rows), 500):
            bind.execute(partner.update()
                         .where(partner.c.id.in_([r.id for r in rows[start:start + 500]]))
                         .values(organisation_id=organisation_id))


def downgrade():
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_partner_organisation_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_partner_organisation_id'))
        batch_op.drop_column('organisation_id')
    op.drop_table('organisation_redirect')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_kind'))
        batch_op.drop_index(batch_op.f('ix_organisation_key'))
    op.drop_table('organisation')
