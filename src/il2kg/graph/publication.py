"""Publication and citation records to triples (CiTO for citations)."""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import RDFS

from il2kg.curie import expand
from il2kg.graph.emit import Emitter, literal
from il2kg.model import Citation, Fact, Publication
from il2kg.vocab import BIBO, CITO, IL, mint, short_hash, slug

INTENTS = {"mentions": CITO.discusses, "supports": CITO.supports, "disputes": CITO.disputes}


def publication_key(pub: Publication) -> str | None:
    """Natural key of a publication: a hash of its normalised title, else of its DOI, else of its PMID.

    The title comes first because every kind of page shows it, so a journal page without a DOI and
    a citation page with one still name the same work.
    """
    if pub.title:
        return short_hash("title", " ".join(re.findall(r"[a-z0-9]+", pub.title.value.lower())))
    if pub.doi:
        return short_hash("doi", pub.doi.value.lower())
    if pub.pmid:
        return short_hash("pmid", pub.pmid.value)
    return None


def add_publication(em: Emitter, pub: Publication, key: str) -> URIRef:
    """Add a publication with its authors, funders and citation metrics; return its IRI."""
    p = em.node(mint("publication", key), IL.Publication)
    em.fact(p, IL.publicationTitle, pub.title)
    for name, prop in _LITERALS:
        em.fact(p, prop, getattr(pub, name))
    for f in pub.keywords:
        em.fact(p, IL.keyword, f)
    for position, f in enumerate(pub.authors, start=1):
        a = em.node(mint("publication", key, "author", str(position)), IL.Authorship)
        em.link(p, IL.hasAuthorship, a)
        em.graph.add((a, IL.authorPosition, literal(position)))  # derived from list order
        em.fact(a, IL.authorName, f)
    for f in pub.funders:
        name = f.value
        fund = em.node(mint("funder", slug(name)[:48] + "-" + short_hash(name)[:8]), IL.Funder)
        em.link(p, IL.fundedBy, fund)
        em.fact(fund, IL.funderName, f)
    for count in pub.citation_counts:
        origin = slug(count.source) if count.source else "page"
        metric = mint("publication", key, "metric", f"{count.kind}-{origin}-{em.source.sha256[:8]}")
        m = em.node(metric, IL.CitationMetric)
        em.link(p, IL.hasCitationMetric, m)
        em.fact(m, IL.metricKind, Fact(count.kind, count.count.evidence))
        em.fact(m, IL.metricCount, count.count)
        if count.source:
            em.fact(m, IL.metricSource, Fact(count.source, count.count.evidence))
    return p


_LITERALS = (
    ("journal", IL.journal), ("year", IL.publicationYear), ("volume", IL.volume), ("issue", IL.issue),
    ("pages", IL.pages), ("article_number", IL.articleNumber), ("doi", BIBO.doi), ("pmid", BIBO.pmid),
    ("publication_type", IL.publicationType),
)


def add_citation(em: Emitter, citation: Citation, cited: URIRef) -> URIRef:
    """Add one citing statement as a cito:Citation from an unidentified citing work to `cited`."""
    text = citation.statement.value
    c = em.node(mint("citation", short_hash(cited, text)), IL.Citation)
    # The page quotes the statement without naming its work: the work is known only by its statement.
    work = em.node(mint("work", short_hash(text)), IL.Publication)
    if citation.citing_title is None:
        em.graph.add((work, RDFS.label, literal("work citing by the statement " + short_hash(text)[:8])))
    em.fact(work, IL.publicationTitle, citation.citing_title)
    em.fact(work, IL.publicationYear, citation.citing_year)
    em.link(c, CITO.hasCitingEntity, work)
    em.link(c, CITO.hasCitedEntity, cited)
    em.fact(c, IL.citingStatement, citation.statement)
    intent = INTENTS.get(citation.intent.value)
    if intent is not None:
        em.fact(c, CITO.hasCitationCharacterization, citation.intent, intent)
    em.fact(c, IL.citingSection, citation.section)
    for facts, prop in ((citation.diseases, IL.mentionsDisease), (citation.agents, IL.mentionsAgent),
                        (citation.biomarkers, IL.mentionsBiomarker)):
        for f in facts:
            em.fact(c, prop, f, expand(f.value))
    return c
