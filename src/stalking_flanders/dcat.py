"""DCAT-AP 3.0.1 metadata for open-data portals, built with rdflib from a release's descriptor
and files (nothing typed twice), with the additions DCAT-AP Vlaanderen asks for: identifiers on
catalogue, dataset and distributions, date-times for issued and modified, one licence per
distribution.

Each node of the record is made by one function that returns its triples from a :class:`Record`
fixed before any of them runs; :func:`build_graph` puts them together. What only the maintainers
can know comes from :mod:`stalking_flanders.portal_settings`.
"""

from __future__ import annotations

import datetime
import re
import warnings
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, FOAF, OWL, RDF, RDFS, SKOS, XSD
from rdflib.namespace import DCTERMS as DCT

from .datapackage import BUNDLED, DESCRIPTOR_NAME, DataPackage, IntegrityError, UnverifiedRelease, bundled, checked_files
from .facts import BELGIUM, CODES, EU, LANGUAGES, LICENCES, THEMES, years_covered
from .formats import BY_NAME, DATA_PACKAGE, JSON, LISTED
from .hashes import facts, hex_of
from .limits import bounded
from .loader import load
from .model import version_order
from .portal_settings import SettingsError, for_version, release_dates
from .problems import Code, DataError, refuse, unsafe
from .releases import history
from .texts import licence_statement, text
from .untrusted import MAX_DESCRIPTOR_BYTES, read_file

IANA = "https://www.iana.org/assignments/media-types/"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT3 = Namespace(str(DCAT))  # DCAT 3's terms (version, previousVersion): rdflib's DCAT namespace predates them
PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "vcard": VCARD, "spdx": SPDX, "skos": SKOS}

Triples = list[tuple]


@dataclass(frozen=True)
class Record:
    """What every node of the record is built from: the package, the settings, the dates, and the
    IRIs of the nodes that others point to (every node has a stable IRI: no blank nodes)."""

    package: DataPackage
    settings: dict
    issued: datetime.datetime
    modified: datetime.datetime

    @property
    def descriptor(self) -> dict:
        return self.package.descriptor

    @property
    def page(self) -> str:
        return self.settings["base_url"] + "index.html"

    def node(self, fragment: str) -> URIRef:
        return URIRef(f"{self.page}#{fragment}")

    @property
    def root(self) -> str | None:
        """Where every version is published, when base_url is one version's folder of it
        (``.../<version>/``), else None."""
        folder, _, last = self.settings["base_url"].rstrip("/").rpartition("/")  # base_url ends in "/"
        return folder + "/" if last == str(self.descriptor["version"]) else None

    @property
    def dataset(self) -> URIRef:
        """The dataset: one IRI for every version (a portal harvesting each release sees one
        dataset), the setting ``dataset_iri`` or the page at the root of the versions."""
        given = self.settings.get("dataset_iri")
        return URIRef(given or (self.root or self.settings["base_url"]) + "index.html#dataset")

    @property
    def previous(self) -> URIRef | None:
        """The previous release's page, where base_url is one version's folder and an earlier
        release is on record (releases.toml), else None."""
        earlier = [v for v in history() if version_order(v) < version_order(str(self.descriptor["version"]))]
        return URIRef(f"{self.root}{max(earlier, key=version_order)}/index.html") if self.root and earlier else None

    @property
    def publisher(self) -> URIRef:
        url = self.settings.get("publisher_url")
        return URIRef(url) if url else self.node("publisher")

    @property
    def licence(self) -> URIRef:
        return URIRef(EU + "licence/" + LICENCES[self.descriptor["licenses"][0]["name"]].eu)


def build_graph(package: DataPackage, settings: dict) -> Graph:
    """The DCAT-AP record of ``package`` as an rdflib Graph: a catalogue, the dataset, and a
    distribution for every file of the package and for its descriptor. A package other than the
    bundled release is read within the limits (:mod:`stalking_flanders.limits`)."""
    if package.root == BUNDLED.resolve():
        return _graph(package, settings)
    with bounded("dcat record"):
        return _graph(package, settings)


def _graph(package: DataPackage, settings: dict) -> Graph:
    declared = package.descriptor["licenses"][0]["name"]
    if declared not in LICENCES:
        raise IntegrityError(
            f"{package.descriptor_path}: the licence {declared!r} is not one this package is published "
            f"under ({', '.join(LICENCES)}); a record is made only of this package's releases, as published"
        )
    _no_name_of_the_records_own(package)
    if package.root != BUNDLED.resolve():  # the record reads the tables by name (the coverage, the series, the source questions)
        problems = package.layout_problems(bundled())
        if problems:
            raise DataError(problems, str(package.descriptor_path))
    settings = for_version(settings, package.descriptor.get("version"))
    r = Record(package, settings, *release_dates(settings, package.descriptor.get("version")))
    for key in ("dataset_iri", "publisher_url"):  # a node of the page would merge with it
        if str(settings.get(key) or "").startswith(r.page + "#"):
            found = settings[key]
            raise SettingsError(f"{key}: must not be an address on the record's own page ({r.page}#...): found {found!r}")
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    parts = [agents(r), licence_triples(r), catalogue(r), dataset_triples(r), coverage(r), sources(r)]
    parts += [distribution(r, resource) for resource in files(r)]
    for part in parts:
        for triple in part:
            graph.add(triple)
    return graph


def record(release: DataPackage, settings: dict, fmt: str = "turtle") -> str:
    """The DCAT-AP record as Turtle (``fmt="turtle"``) or JSON-LD (``fmt="json-ld"``)."""
    return build_graph(release, settings).serialize(format=fmt)


# The fragments of the nodes the record gives its page (tests/test_every_door.py holds the record to it).
OWN_NODES = re.compile(
    r"(contact|rights|catalogue|dataset|publisher|provenance|temporal|datapackage|source-[0-9]+(-publisher)?|.*-checksum)"
)


def _no_name_of_the_records_own(package: DataPackage) -> None:
    """Refuse (:class:`DataError`) a resource whose name is one the record gives a node of its own
    (``#contact``, ``#datapackage``, ``#x-checksum``, ...): its distribution would merge with it."""
    for i, resource in enumerate(package.descriptor["resources"]):
        if OWN_NODES.fullmatch(resource["name"]):
            raise refuse(
                Code.DESCRIPTOR_SHAPE,
                str(package.descriptor_path),
                "a resource has a name the record gives a node of its own",
                column=f"resources[{i}].name",
                found=resource["name"],
                expected="another name",
            )


def in_format_escapes(text: str, fmt: str, encoding: str = "utf-8") -> str:
    """The record ``text`` with every character a terminal must not get raw (:func:`unsafe`, but
    new lines and tabs), or that ``encoding`` cannot hold, written as the escape of its format
    (``\\u00AD``; past U+FFFF, Turtle's ``\\U`` and JSON's two ``\\u``), so that what the
    command line prints still parses. In JSON-LD, ``<``, ``>`` and ``&`` are escaped too (JSON
    holds them only within strings), so that the record placed in a page's script block cannot end
    it or open a comment there.

    >>> in_format_escapes('"a\\u00adb"', "turtle"), in_format_escapes('"\\U000e0041"', "json-ld")
    ('"a\\\\u00ADb"', '"\\\\uDB40\\\\uDC41"')
    >>> in_format_escapes('"</script>"', "json-ld")
    '"\\\\u003C/script\\\\u003E"'
    """
    markup = "<>&" if fmt == "json-ld" else ""

    def escape(c: str) -> str:
        if c in "\n\t" or (c not in markup and not unsafe(c) and _holds(encoding, c)):
            return c
        n = ord(c)
        if n <= 0xFFFF:
            return f"\\u{n:04X}"
        if fmt == "turtle":
            return f"\\U{n:08X}"
        n -= 0x10000
        return f"\\u{0xD800 + (n >> 10):04X}\\u{0xDC00 + (n & 0x3FF):04X}"

    # printable ASCII but the markup is never unsafe, and every encoding that holds it as a whole
    # holds each of its characters: only the other characters are looked at, one by one
    plain = _holds(encoding, _PRINTABLE_ASCII)
    return (_LOOKED_AT[markup] if plain else _EVERY).sub(lambda m: escape(m.group()), text)


_PRINTABLE_ASCII = "".join(map(chr, range(0x20, 0x7F)))
_LOOKED_AT = {"": re.compile(r"[^\x20-\x7e]"), "<>&": re.compile(r"[^\x20-\x7e]|[<>&]")}  # by the markup escaped
_EVERY = re.compile(".", re.DOTALL)


def _holds(encoding: str, c: str) -> bool:
    try:
        c.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def texts(subject, predicate, values: dict[str, str]) -> Triples:
    """One literal of ``predicate`` per language of ``values``."""
    return [(subject, predicate, Literal(value, lang=lang)) for lang, value in values.items()]


def when(moment: datetime.datetime) -> Literal:
    return Literal(moment.isoformat(), datatype=XSD.dateTime)


def concept(iri: str, label: str, scheme: str, *types) -> tuple[URIRef, Triples]:
    """An EU vocabulary concept: a skos:Concept of ``types`` too, with its label and scheme."""
    ref, scheme_ref = URIRef(iri), URIRef(EU + scheme)
    return ref, [
        *((ref, RDF.type, t) for t in types),  # first: a harvester reads the first type (see file_type)
        (ref, RDF.type, SKOS.Concept),
        (ref, SKOS.prefLabel, Literal(label, lang="en")),
        (ref, SKOS.inScheme, scheme_ref),
        (scheme_ref, RDF.type, SKOS.ConceptScheme),
        (scheme_ref, DCT.title, Literal(scheme, lang="en")),
    ]


def languages() -> tuple[list[URIRef], Triples]:
    found = [concept(EU + "language/" + lang.eu, lang.label, "language", DCT.LinguisticSystem) for lang in LANGUAGES]
    return [ref for ref, _ in found], [t for _, triples in found for t in triples]


def agents(r: Record) -> Triples:
    """The publisher and the contact point."""
    s, contact = r.settings, r.node("contact")
    name = Literal(s["publisher_name"], lang=s.get("name_language") or "und")
    return [
        (r.publisher, RDF.type, FOAF.Agent),
        (r.publisher, RDF.type, DCT.Agent),
        (r.publisher, FOAF.name, name),
        (contact, RDF.type, VCARD.Kind),
        (contact, VCARD.fn, Literal(s.get("contact_name") or s["publisher_name"])),
        (contact, VCARD.hasEmail, URIRef(f"mailto:{s['contact_email']}")),
    ]


def licence_triples(r: Record) -> Triples:
    """The licence document, and the rights statement that says what it covers."""
    declared = r.descriptor["licenses"][0]
    known = LICENCES[declared["name"]]
    rights = r.node("rights")
    labelled = {**declared, "title": known.title}
    return [
        (r.licence, RDF.type, DCT.LicenseDocument),
        (r.licence, RDFS.label, Literal(known.title, lang="en")),
        (r.licence, DCT.title, Literal(known.family, lang="en")),
        (r.licence, DCT.identifier, Literal(known.spdx)),
        (rights, RDF.type, DCT.RightsStatement),
        *texts(rights, RDFS.label, {lang: licence_statement(labelled, lang) for lang in CODES}),
    ]


def catalogue(r: Record) -> Triples:
    landing, node = URIRef(r.page), r.node("catalogue")
    refs, language_triples = languages()
    values = {"name": r.descriptor["name"], "version": r.descriptor["version"]}
    return [
        (landing, RDF.type, FOAF.Document),
        *language_triples,
        (node, RDF.type, DCAT.Catalog),
        *texts(node, DCT.title, {lang: text("portal", "catalogue_title", lang, **values) for lang in CODES}),
        *texts(node, DCT.description, {lang: text("portal", "catalogue_description", lang, **values) for lang in CODES}),
        (node, DCT.publisher, r.publisher),
        (node, DCAT.contactPoint, r.node("contact")),
        (node, DCAT.dataset, r.dataset),
        (node, FOAF.homepage, landing),
        (node, DCT.license, r.licence),
        (node, DCAT.themeTaxonomy, URIRef(EU + "data-theme")),
        (node, DCT.identifier, Literal(str(node))),
        (node, DCT.issued, when(r.issued)),
        (node, DCT.modified, when(r.modified)),
        *((node, DCT.language, ref) for ref in refs),
    ]


def dataset_triples(r: Record) -> Triples:
    node, d = r.dataset, r.descriptor
    nl = d.get("translations", {}).get("nl", {})
    themes = [concept(EU + "data-theme/" + code, label, "data-theme") for code, label in THEMES.items()]
    access, access_triples = concept(EU + "access-right/PUBLIC", "public", "access-right", DCT.RightsStatement)
    provenance, standard = r.node("provenance"), URIRef(DATA_PACKAGE)
    refs, _ = languages()
    return [
        (node, RDF.type, DCAT.Dataset),
        *((node, DCAT.keyword, Literal(word, lang=lang)) for word, lang in keywords(d)),
        *texts(node, DCT.title, {"en": d["title"], **({"nl": nl["title"]} if nl else {})}),
        *texts(node, DCT.description, {"en": d["description"], **({"nl": nl["description"]} if nl else {})}),
        *((node, DCAT.theme, ref) for ref, _ in themes),
        *(t for _, triples in themes for t in triples),
        *access_triples,
        (provenance, RDF.type, DCT.ProvenanceStatement),
        *texts(provenance, RDFS.label, {lang: text("portal", "provenance", lang) for lang in CODES}),
        (standard, RDF.type, DCT.Standard),
        (node, DCT.publisher, r.publisher),
        (node, DCAT.contactPoint, r.node("contact")),
        (node, DCT.accessRights, access),
        (node, DCT.issued, when(r.issued)),
        (node, DCT.modified, when(r.modified)),
        (node, DCT.identifier, Literal(str(node))),
        (node, DCAT3.version, Literal(d["version"])),  # this release, of the one dataset
        *([(node, DCAT3.previousVersion, r.previous)] if r.previous else []),
        (node, OWL.versionInfo, Literal(d["version"])),
        (node, DCAT.landingPage, URIRef(r.page)),
        (node, DCT.provenance, provenance),
        (node, DCT.conformsTo, standard),
        *((node, DCT.language, ref) for ref in refs),
    ]


def coverage(r: Record) -> Triples:
    """Where (Belgium, named in Dutch first and in English: :data:`~.facts.PLACES`) and when (the
    years of the series) the figures are for."""
    series_file = str(r.package.path(r.package.resource("series")))
    with warnings.catch_warnings():  # the record states the package's own years, whatever its version
        warnings.simplefilter("ignore", UnverifiedRelease)
        series = load("series", lang="en", release=r.package)
    first, last = years_covered(series, series_file)
    period = r.node("temporal")
    country, country_triples = concept(BELGIUM.iri, BELGIUM.en, "country", DCT.Location)
    node = r.dataset
    return [
        (country, SKOS.prefLabel, Literal(BELGIUM.nl, lang="nl")),
        *country_triples,
        (period, RDF.type, DCT.PeriodOfTime),
        (period, DCAT.startDate, Literal(str(first), datatype=XSD.gYear)),
        (period, DCAT.endDate, Literal(str(last), datatype=XSD.gYear)),
        (node, DCT.spatial, country),
        (node, DCT.temporal, period),
    ]


def sources(r: Record) -> Triples:
    """The parliamentary question(s) the dataset comes from: documents the dataset is related to,
    not dcat:Datasets (a harvester imports every dcat:Dataset of a record as a dataset of its own),
    each published by the parliament the table ``source_questions`` names for its archived text
    (a source that table does not name is given no publisher: none is assumed)."""
    with warnings.catch_warnings():  # as coverage(): the record states the package's own sources
        warnings.simplefilter("ignore", UnverifiedRelease)
        questions = load("source_questions", lang="en", release=r.package)
    parliaments = dict(zip(questions["archived_text"], questions["parliament"]))
    triples = []
    for i, source in enumerate(r.descriptor.get("sources", [])):
        cited, parliament = r.node(f"source-{i + 1}"), r.node(f"source-{i + 1}-publisher")
        values = {"name": r.descriptor["name"]}
        triples += [
            (cited, RDF.type, FOAF.Document),
            (cited, RDF.type, DCT.BibliographicResource),
            *texts(cited, DCT.title, {"nl": source["title"]}),
            *texts(cited, DCT.description, {lang: text("portal", "source_description", lang, **values) for lang in CODES}),
            (r.dataset, DCT.relation, cited),
        ]
        if (name := parliaments.get(source.get("path"))) is not None:  # the parliament's own name, in Dutch
            triples += [
                (cited, DCT.publisher, parliament),
                (parliament, RDF.type, FOAF.Agent),
                (parliament, RDF.type, DCT.Agent),
                (parliament, FOAF.name, Literal(name, lang="nl")),
            ]
    return triples


def files(r: Record) -> list[dict]:
    """Every resource of the package, and the descriptor itself, each with its size and sha256:
    a file the descriptor records them of must have them (:class:`IntegrityError` otherwise), and
    each is the file's own: the record never states a size or sha256 its file does not have."""
    resources = [{**resource, **facts(data)} for resource, data in checked_files(r.package)]  # the file's own
    unlisted = next((resource for resource in resources if resource["format"] not in LISTED), None)
    if unlisted is not None:  # the descriptor's own format (JSON), say: the record adds the descriptor itself below
        raise IntegrityError(
            f"{r.package.descriptor_path}: the resource {unlisted['name']!r} is of the format {unlisted['format']!r}, "
            f"which this package does not publish a file in ({', '.join(LISTED)}); a record is made only of its releases"
        )
    descriptor = {
        "name": "datapackage",
        "path": DESCRIPTOR_NAME,
        "format": JSON.name,
        "title": text("descriptor", "title"),
        "description": text("descriptor", "description"),
        "translations": {
            "nl": {"title": text("descriptor", "title", "nl"), "description": text("descriptor", "description", "nl")}
        },
        **facts(read_file(r.package.descriptor_path, MAX_DESCRIPTOR_BYTES)),
    }
    return [*resources, descriptor]


def _descriptions(resource: dict) -> dict[str, str]:
    """A file's description by language: English, and the Dutch its ``translations`` give."""
    given = {"en": resource.get("description", "")}
    given |= {lang: t.get("description", "") for lang, t in resource.get("translations", {}).items()}
    return {lang: words for lang, words in given.items() if words}


def keywords(d: dict) -> list[tuple[str, str]]:
    """(keyword, language) pairs, each keyword once: Dutch first; an English keyword spelt as a
    Dutch one ("stalking", "CAW") is not repeated."""
    by_lang = {**{lang: t.get("keywords", []) for lang, t in d.get("translations", {}).items()}, "en": d.get("keywords", [])}
    seen, pairs = set(), []
    for lang in sorted(by_lang, key=lambda code: CODES.index(code) if code in CODES else len(CODES)):
        for word in by_lang[lang]:
            if word.casefold() not in seen:
                seen.add(word.casefold())
                pairs.append((word, lang))
    return pairs


def distribution(r: Record, resource: dict) -> Triples:
    node, fmt = r.node(resource["name"]), BY_NAME.get(resource["format"])
    if fmt is None:
        raise IntegrityError(
            f"{r.package.descriptor_path}: the resource {resource['name']!r} is of the format {resource['format']!r}, "
            f"which this package does not publish ({', '.join(BY_NAME)}); a record is made only of its releases"
        )
    url, media_type = URIRef(r.settings["base_url"] + quote(resource["path"])), URIRef(IANA + fmt.mediatype)
    file_type_ref, file_type_triples = file_type(fmt)
    checksum_ref, checksum_triples = checksum(r, resource)
    conforms = fmt.standard
    return [
        (r.dataset, DCAT.distribution, node),
        (node, RDF.type, DCAT.Distribution),
        *texts(node, DCT.title, {"en": resource.get("title", resource["name"]), "nl": fmt.dutch_title(resource)}),
        *texts(node, DCT.description, _descriptions(resource)),
        (media_type, RDF.type, DCT.MediaType),
        *file_type_triples,
        *checksum_triples,
        (node, DCAT.accessURL, url),
        (node, DCAT.downloadURL, url),
        (node, DCT.format, file_type_ref),
        (node, DCAT.mediaType, media_type),
        (node, DCAT.byteSize, Literal(resource["bytes"], datatype=XSD.nonNegativeInteger)),
        (node, SPDX.checksum, checksum_ref),
        (node, DCT.identifier, Literal(str(node))),
        (node, DCT.issued, when(r.issued)),
        (node, DCT.modified, when(r.modified)),
        (node, DCT.rights, r.node("rights")),
        *([(node, DCT.license, r.licence)] if fmt.licensed else []),
        *([(URIRef(conforms), RDF.type, DCT.Standard), (node, DCT.conformsTo, URIRef(conforms))] if conforms else []),
    ]


def file_type(fmt) -> tuple[URIRef, Triples]:
    """The EU file type of ``fmt``, a skos:Concept and a dct:IMT (a dct:MediaTypeOrExtent, as the
    record states), with its media type and short label: what CKAN's harvester shows as the format."""
    ref, triples = concept(EU + "file-type/" + fmt.eu_file_type, fmt.label, "file-type", DCT.IMT)
    return ref, [
        *triples,
        (ref, RDF.value, Literal(fmt.mediatype)),
        (ref, RDFS.label, Literal(fmt.label)),
        (DCT.IMT, RDFS.subClassOf, DCT.MediaType),  # as DCMI defines them
        (DCT.MediaType, RDFS.subClassOf, DCT.MediaTypeOrExtent),
    ]


def checksum(r: Record, resource: dict) -> tuple[URIRef, Triples]:
    ref = r.node(f"{resource['name']}-checksum")
    return ref, [
        (ref, RDF.type, SPDX.Checksum),
        (ref, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (ref, SPDX.checksumValue, Literal(hex_of(resource["hash"]), datatype=XSD.hexBinary)),
        (SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm),
    ]
