"""Every table of the store, as peewee models bound to the ``db`` proxy, one module per area:
``base`` (model classes, settings, stored files), ``contacts``, ``deals``, ``proposals`` and
``campaigns``. Import a model from its module; ``ALL_MODELS`` lists every table in creation order.

The schema itself is created and changed only by ``migrations.py`` (explicit SQL per version);
``tests/db/test_migrations.py`` checks that these models match what the migrations build.
"""

from smarketer.db.models.base import Setting, StoredFile
from smarketer.db.models.campaigns import (
    Campaign,
    EmailTemplate,
    ImapFolderState,
    InboundMessage,
    OutboxMessage,
    Suppression,
)
from smarketer.db.models.contacts import (
    Activity,
    Company,
    Contact,
    ContactTag,
    ImportChange,
    ImportRun,
    Segment,
    Tag,
)
from smarketer.db.models.deals import Deal, Stage, StageChange, Task
from smarketer.db.models.proposals import (
    ContentBlock,
    Product,
    Proposal,
    ProposalItem,
    ProposalSection,
    ProposalSequence,
)

ALL_MODELS = [
    *(Setting, StoredFile, Company, Contact, Tag, ContactTag, Activity, Segment),
    *(Stage, Deal, StageChange, Task),
    *(Product, ContentBlock, ProposalSequence, Proposal, ProposalItem, ProposalSection),
    *(Suppression, EmailTemplate, Campaign, OutboxMessage, ImapFolderState, InboundMessage),
    *(ImportRun, ImportChange),
]
