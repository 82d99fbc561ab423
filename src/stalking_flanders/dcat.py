"""DCAT-AP 3.0.1 metadata for open-data portals, built with rdflib from a release's descriptor
and files (nothing typed twice), with the additions DCAT-AP Vlaanderen asks for: identifiers on
catalogue, dataset and distributions, date-times for issued and modified, one licence per
distribution.

What only the maintainers can know (where the files are hosted, who publishes and answers
questions, when the release was issued) comes from a settings file or arguments; a missing value
is an error, never a placeholder.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path

from .datapackage import DESCRIPTOR_NAME, DataPackage
from .formats import BY_NAME, JSON, PACKAGE_FORMATS, TABLE_FORMATS
from .hashes import file_facts, hex_of
from .problems import printable
from .texts import licence_statement, text

REQUIRED = {
    "base_url": "the URL the release folder is published at (its files are base_url + their path)",
    "publisher_name": "the name of the organisation or person that publishes the dataset",
    "contact_email": "an e-mail address that answers questions about the dataset",
}
OPTIONAL = {
    "publisher_url": "an IRI that identifies the publisher",
    "contact_name": "the name of the contact point (default: the publisher's name)",
    "name_language": "the language of the publisher's name, as a BCP 47 tag such as nl (default: und, undetermined)",
    "issued": "when the dataset was first issued, as an ISO 8601 date-time (default: from the release record)",
    "modified": "when this version was issued, as an ISO 8601 date-time (default: from the release record)",
}

EU = "http://publications.europa.eu/resource/authority/"
# The themes, spatial coverage and formats chosen for this dataset, with the labels of the EU
# vocabularies (and GeoNames) they come from.
THEMES = {"SOCI": "Population and society", "JUST": "Justice, legal system and public safety", "HEAL": "Health"}
FLANDERS = ("https://sws.geonames.org/3337388/", "Flanders")
COUNTRY = ("BEL", "Belgium")
LANGUAGES = {"nl": ("NLD", "Dutch"), "en": ("ENG", "English")}
LICENCES = {"CC-BY-4.0": ("CC_BY_4_0", "Creative Commons Attribution 4.0 International")}
# The licence's family title, as CKAN's licence register names it (so that a harvester recognises
# it), and its SPDX identifier.
LICENCE_TITLES = {"CC-BY-4.0": ("Creative Commons Attribution", "CC-BY-4.0")}
TABLE_SCHEMA = "https://datapackage.org/standard/table-schema/"
DATA_PACKAGE = "https://datapackage.org/standard/data-package/"
IANA = "https://www.iana.org/assignments/media-types/"


class SettingsError(ValueError):
    """A value only the maintainers can give is missing or malformed."""


def load_settings(config: Path | None = None, **given) -> dict:
    """The portal settings: the ``[portal]`` table of the TOML file ``config``, overridden by
    ``given`` (None values are ignored). Raises :class:`SettingsError` naming every missing value."""
    settings = {}
    if config is not None:
        with Path(config).open("rb") as fh:
            settings.update(tomllib.load(fh).get("portal", {}))
    settings.update({k: v for k, v in given.items() if v is not None})
    unknown = sorted(set(settings) - set(REQUIRED) - set(OPTIONAL))
    missing = [k for k in REQUIRED if not settings.get(k)]
    if unknown or missing:
        lines = [f"  - {k}: {REQUIRED[k]} (--{k.replace('_', '-')}, or {k} in the [portal] table of --config)" for k in missing]
        lines += [f"  - {k}: not a setting (known: {', '.join([*REQUIRED, *OPTIONAL])})" for k in unknown]
        raise SettingsError("the portal metadata needs values only the maintainers can give:\n" + "\n".join(lines))
    problems = [f"  - {key}: {problem}" for key, value in settings.items() if (problem := setting_problem(key, value))]
    if problems:
        raise SettingsError("these settings cannot be written into the record:\n" + "\n".join(problems))
    settings["base_url"] = str(settings["base_url"]).rstrip("/") + "/"
    return settings


URL_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")  # what RFC 3986 allows in a URL
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def setting_problem(key: str, value) -> str | None:
    """What is wrong with a setting's value, or None: URLs must be http(s) with a host and only the
    characters a URL may hold, the address an e-mail address, names plain text.

    >>> setting_problem("base_url", "http://")
    "must be an http or https URL with a host: found 'http://'"
    >>> setting_problem("publisher_url", "javascript:alert(1)")
    "must be an http or https URL with a host: found 'javascript:alert(1)'"
    >>> setting_problem("contact_email", "@"), setting_problem("contact_email", "data@example.org")
    ("must be an e-mail address: found '@'", None)
    """
    from urllib.parse import urlsplit

    from .problems import printable

    text = str(value)
    shown = printable(repr(text))
    if key in ("base_url", "publisher_url"):
        parts = urlsplit(text) if URL_CHARACTERS.match(text) else None
        if parts is None and text.startswith(("http://", "https://")):
            return f"holds characters a URL may not (spaces, quotes, <, >, ...): found {shown}"
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            return f"must be an http or https URL with a host: found {shown}"
    elif key == "contact_email" and not EMAIL.match(text):
        return f"must be an e-mail address: found {shown}"
    elif key == "name_language" and not LANGUAGE_TAG.match(text):
        return f"must be a BCP 47 language tag such as nl or en: found {shown}"
    elif key in ("publisher_name", "contact_name") and (not text.strip() or printable(text) != text):
        return f"must be plain text, without control characters: found {shown}"
    return None


def release_dates(settings: dict, package: DataPackage) -> tuple[datetime.datetime, datetime.datetime]:
    """(issued, modified): from the settings, else from the release record this installed package
    carries (``releases.toml``, written when each release was cut): the first release's date-time,
    and that of the version the package's descriptor names. Nothing is read from the package's
    folder for this, and no program (git or any other) is run."""
    from .releases import history

    issued, modified = settings.get("issued"), settings.get("modified")
    if not (issued and modified):
        known, version = history(), package.descriptor.get("version")
        if version not in known:
            raise SettingsError(f"the release dates are unknown: version {printable(repr(version))} is not a release "
                                "this installed package records; give --issued and --modified")  # fmt: skip
        issued = issued or next(iter(known.values())).released.isoformat()
        modified = modified or known[version].released.isoformat()
    try:
        return tuple(datetime.datetime.fromisoformat(str(d)) for d in (issued, modified))
    except ValueError as error:
        raise SettingsError(f"issued and modified must be ISO 8601 date-times: {error}") from None


def build_graph(package: DataPackage, settings: dict):
    """The DCAT-AP record of ``package`` as an rdflib Graph: a catalogue, the dataset, and a
    distribution for every file of the package and for its descriptor."""
    return _Record(package, settings).graph()


class _Record:
    """The parts of the record, one method each; every node has a stable IRI (no blank nodes)."""

    def __init__(self, package: DataPackage, settings: dict):
        from rdflib import Graph, Namespace, URIRef

        self.package, self.settings, self.d = package, settings, package.descriptor
        self.page = settings["base_url"] + "index.html"
        self.issued, self.modified = release_dates(settings, package)
        self.g = Graph()
        self.VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
        self.SPDX = Namespace("http://spdx.org/rdf/terms#")
        self.URIRef = URIRef

    def node(self, fragment: str):
        return self.URIRef(f"{self.page}#{fragment}")

    def add(self, subject, *pairs) -> None:
        for predicate, obj in pairs:
            self.g.add((subject, predicate, obj))

    def text(self, subject, predicate, values: dict[str, str]) -> None:
        from rdflib import Literal

        for lang, value in values.items():
            self.g.add((subject, predicate, Literal(value, lang=lang)))

    def when(self, moment):
        from rdflib import Literal
        from rdflib.namespace import XSD

        return Literal(moment.isoformat(), datatype=XSD.dateTime)

    def concept(self, iri: str, label: str, scheme: str, *types):
        """An EU vocabulary concept: a skos:Concept of ``types`` too, with its label and scheme."""
        from rdflib import Literal
        from rdflib.namespace import DCTERMS as DCT
        from rdflib.namespace import RDF, SKOS

        ref, scheme_ref = self.URIRef(iri), self.URIRef(EU + scheme)
        self.add(
            ref,
            *((RDF.type, t) for t in types),  # first: a harvester reads the first type (see file_type)
            (RDF.type, SKOS.Concept),
            (SKOS.prefLabel, Literal(label, lang="en")),
            (SKOS.inScheme, scheme_ref),
        )
        self.add(scheme_ref, (RDF.type, SKOS.ConceptScheme), (DCT.title, Literal(scheme, lang="en")))
        return ref

    def graph(self):
        from rdflib.namespace import DCAT, FOAF, SKOS
        from rdflib.namespace import DCTERMS as DCT

        for prefix, ns in (
            ("dcat", DCAT),
            ("dct", DCT),
            ("foaf", FOAF),
            ("vcard", self.VCARD),
            ("spdx", self.SPDX),
            ("skos", SKOS),
        ):
            self.g.bind(prefix, ns)
        self.agents()
        self.licence()
        self.catalogue()
        self.dataset()
        self.sources()
        for resource in self.files():
            self.distribution(resource)
        return self.g

    def agents(self) -> None:
        from rdflib import Literal
        from rdflib.namespace import DCTERMS as DCT
        from rdflib.namespace import FOAF, RDF

        s = self.settings
        name_language = s.get("name_language") or "und"
        self.publisher = self.URIRef(s["publisher_url"]) if s.get("publisher_url") else self.node("publisher")
        self.add(self.publisher, (RDF.type, FOAF.Agent), (RDF.type, DCT.Agent),
                 (FOAF.name, Literal(s["publisher_name"], lang=name_language)))  # fmt: skip
        self.contact = self.node("contact")
        self.add(
            self.contact,
            (RDF.type, self.VCARD.Kind),
            (self.VCARD.fn, Literal(s.get("contact_name") or s["publisher_name"])),
            (self.VCARD.hasEmail, self.URIRef(f"mailto:{s['contact_email']}")),
        )

    def licence(self) -> None:
        from rdflib import Literal
        from rdflib.namespace import DCTERMS as DCT
        from rdflib.namespace import RDF, RDFS

        declared = self.d["licenses"][0]
        licence_iri, licence_label = LICENCES[declared["name"]]
        self.licence_ref = self.URIRef(EU + "licence/" + licence_iri)
        family, identifier = LICENCE_TITLES[declared["name"]]
        self.add(self.licence_ref, (RDF.type, DCT.LicenseDocument), (RDFS.label, Literal(licence_label, lang="en")),
                 (DCT.title, Literal(family, lang="en")), (DCT.identifier, Literal(identifier)))  # fmt: skip
        self.rights = self.node("rights")
        self.add(self.rights, (RDF.type, DCT.RightsStatement))
        labelled = {**declared, "title": licence_label}
        self.text(self.rights, RDFS.label, {lang: licence_statement(labelled, lang) for lang in ("en", "nl")})

    def catalogue(self) -> None:
        from rdflib import Literal
        from rdflib.namespace import DCAT, FOAF, RDF
        from rdflib.namespace import DCTERMS as DCT

        self.landing = self.URIRef(self.page)
        self.add(self.landing, (RDF.type, FOAF.Document))
        self.languages = [
            self.concept(EU + "language/" + code, label, "language", DCT.LinguisticSystem) for code, label in LANGUAGES.values()
        ]
        catalogue, self.dataset_ref = self.node("catalogue"), self.node("dataset")
        values = {"name": self.d["name"], "version": self.d["version"]}
        self.add(catalogue, (RDF.type, DCAT.Catalog))
        self.text(catalogue, DCT.title, {lang: text("portal", "catalogue_title", lang, **values) for lang in ("en", "nl")})
        self.text(
            catalogue, DCT.description, {lang: text("portal", "catalogue_description", lang, **values) for lang in ("en", "nl")}
        )
        self.add(
            catalogue,
            (DCT.publisher, self.publisher),
            (DCAT.contactPoint, self.contact),
            (DCAT.dataset, self.dataset_ref),
            (FOAF.homepage, self.landing),
            (DCT.license, self.licence_ref),
            (DCAT.themeTaxonomy, self.URIRef(EU + "data-theme")),
            (DCT.identifier, Literal(str(catalogue))),
            (DCT.issued, self.when(self.issued)),
            (DCT.modified, self.when(self.modified)),
            *((DCT.language, lang) for lang in self.languages),
        )

    def dataset(self) -> None:
        from rdflib import Literal
        from rdflib.namespace import DCAT, OWL, RDF, RDFS
        from rdflib.namespace import DCTERMS as DCT

        dataset, d = self.dataset_ref, self.d
        nl = d.get("translations", {}).get("nl", {})
        self.add(dataset, (RDF.type, DCAT.Dataset))
        keywords = {"en": d.get("keywords", []), **{lang: t.get("keywords", []) for lang, t in d.get("translations", {}).items()}}
        self.add(dataset, *((DCAT.keyword, Literal(k, lang=lang)) for lang, words in keywords.items() for k in words))
        self.text(dataset, DCT.title, {"en": d["title"], **({"nl": nl["title"]} if nl else {})})
        self.text(dataset, DCT.description, {"en": d["description"], **({"nl": nl["description"]} if nl else {})})
        for code, label in THEMES.items():
            self.add(dataset, (DCAT.theme, self.concept(EU + "data-theme/" + code, label, "data-theme")))
        self.coverage()
        access = self.concept(EU + "access-right/PUBLIC", "public", "access-right", DCT.RightsStatement)
        provenance = self.node("provenance")
        self.add(provenance, (RDF.type, DCT.ProvenanceStatement))
        self.text(provenance, RDFS.label, {lang: text("portal", "provenance", lang) for lang in ("en", "nl")})
        standard = self.URIRef(DATA_PACKAGE)
        self.add(standard, (RDF.type, DCT.Standard))
        self.add(
            dataset,
            (DCT.publisher, self.publisher),
            (DCAT.contactPoint, self.contact),
            (DCAT.contactPoint, self.contact),
            (DCT.accessRights, access),
            (DCT.issued, self.when(self.issued)),
            (DCT.modified, self.when(self.modified)),
            (DCT.identifier, Literal(str(dataset))),
            (self.URIRef(str(DCAT) + "version"), Literal(d["version"])),
            (OWL.versionInfo, Literal(d["version"])),
            (DCAT.landingPage, self.landing),
            (DCT.provenance, provenance),
            (DCT.conformsTo, standard),
            *((DCT.language, lang) for lang in self.languages),
        )

    def coverage(self) -> None:
        """Where (Flanders, Belgium) and when (the years of the series) the figures are for."""
        from rdflib import Literal
        from rdflib.namespace import DCAT, RDF, SKOS, XSD
        from rdflib.namespace import DCTERMS as DCT

        from .loader import load

        series = load("series", lang="en", release=self.package)
        flanders = self.URIRef(FLANDERS[0])
        self.add(flanders, (RDF.type, DCT.Location), (SKOS.prefLabel, Literal(FLANDERS[1], lang="en")))
        country = self.concept(EU + "country/" + COUNTRY[0], COUNTRY[1], "country", DCT.Location)
        period = self.node("temporal")
        self.add(
            period,
            (RDF.type, DCT.PeriodOfTime),
            (DCAT.startDate, Literal(str(int(series["first_year"].min())), datatype=XSD.gYear)),
            (DCAT.endDate, Literal(str(int(series["last_year"].max())), datatype=XSD.gYear)),
        )
        self.add(self.dataset_ref, (DCT.spatial, flanders), (DCT.spatial, country), (DCT.temporal, period))

    def sources(self) -> None:
        """The parliamentary question(s) the dataset comes from."""
        from rdflib import Literal
        from rdflib.namespace import DCTERMS as DCT
        from rdflib.namespace import FOAF, RDF

        for i, source in enumerate(self.d.get("sources", [])):
            # A document the dataset is related to, not a dcat:Dataset: a harvester imports every
            # dcat:Dataset of a record as a dataset of its own.
            cited, parliament = self.node(f"source-{i + 1}"), self.node(f"source-{i + 1}-publisher")
            self.add(cited, (RDF.type, FOAF.Document), (RDF.type, DCT.BibliographicResource), (DCT.publisher, parliament))
            self.text(cited, DCT.title, {"nl": source["title"]})
            values = {"path": source["path"], "name": self.d["name"]}
            self.text(
                cited, DCT.description, {lang: text("portal", "source_description", lang, **values) for lang in ("en", "nl")}
            )
            self.add(
                parliament,
                (RDF.type, FOAF.Agent),
                (RDF.type, DCT.Agent),
                (FOAF.name, Literal(text("portal", "source_publisher", "nl"), lang="nl")),
            )
            self.add(self.dataset_ref, (DCT.relation, cited))

    def files(self) -> list[dict]:
        """Every resource of the package, and the descriptor itself, each with its size and sha256
        (from the descriptor, or from the file where the descriptor records none)."""
        resources = [{**file_facts(self.package.path(r)), **r} for r in self.d["resources"]]
        return resources + [
            {
                "name": "datapackage",
                "path": DESCRIPTOR_NAME,
                "format": JSON.name,
                "title": text("descriptor", "title"),
                "description": text("descriptor", "description"),
                **file_facts(self.package.descriptor_path),
            }
        ]

    def distribution(self, resource: dict) -> None:
        from rdflib import Literal
        from rdflib.namespace import DCAT, RDF, XSD
        from rdflib.namespace import DCTERMS as DCT

        distribution = self.node(resource["name"])
        url = self.URIRef(self.settings["base_url"] + resource["path"])
        fmt = BY_NAME[resource["format"]]
        self.add(self.dataset_ref, (DCAT.distribution, distribution))
        self.add(distribution, (RDF.type, DCAT.Distribution))
        self.text(distribution, DCT.title, {"en": resource.get("title", resource["name"]), "nl": _dutch_title(resource)})
        if resource.get("description"):
            self.text(distribution, DCT.description, {"en": resource["description"]})
        media_type = self.URIRef(IANA + fmt.mediatype)
        self.add(media_type, (RDF.type, DCT.MediaType))
        file_type = self.file_type(fmt)
        self.add(
            distribution,
            (DCAT.accessURL, url),
            (DCAT.downloadURL, url),
            (DCT.format, file_type),
            (DCAT.mediaType, media_type),
            (DCAT.byteSize, Literal(resource["bytes"], datatype=XSD.nonNegativeInteger)),
            (self.SPDX.checksum, self.checksum(resource)),
            (DCT.identifier, Literal(str(distribution))),
            (DCT.issued, self.when(self.issued)),
            (DCT.modified, self.when(self.modified)),
            (DCT.rights, self.rights),
        )
        if fmt.name != "txt":  # the archived answer states no licence: none is claimed for it
            self.add(distribution, (DCT.license, self.licence_ref))
        conforms = DATA_PACKAGE if fmt is JSON else TABLE_SCHEMA if fmt in TABLE_FORMATS else None
        if conforms:
            self.add(self.URIRef(conforms), (RDF.type, DCT.Standard))
            self.add(distribution, (DCT.conformsTo, self.URIRef(conforms)))

    def file_type(self, fmt):
        """The EU file type of ``fmt``, a skos:Concept and a dct:IMT (a dct:MediaTypeOrExtent, as the
        record states), with its media type and short label: what CKAN's harvester shows as the format."""
        from rdflib import Literal
        from rdflib.namespace import DCTERMS as DCT
        from rdflib.namespace import RDF, RDFS

        ref = self.concept(EU + "file-type/" + fmt.eu_file_type, fmt.label, "file-type", DCT.IMT)
        self.add(ref, (RDF.value, Literal(fmt.mediatype)), (RDFS.label, Literal(fmt.label)))
        self.add(DCT.IMT, (RDFS.subClassOf, DCT.MediaType))  # as DCMI defines them
        self.add(DCT.MediaType, (RDFS.subClassOf, DCT.MediaTypeOrExtent))
        return ref

    def checksum(self, resource: dict):
        from rdflib import Literal
        from rdflib.namespace import RDF, XSD

        spdx = self.SPDX
        checksum = self.node(f"{resource['name']}-checksum")
        self.add(
            checksum,
            (RDF.type, spdx.Checksum),
            (spdx.algorithm, spdx.checksumAlgorithm_sha256),
            (spdx.checksumValue, Literal(hex_of(resource["hash"]), datatype=XSD.hexBinary)),
        )
        self.add(spdx.checksumAlgorithm_sha256, (RDF.type, spdx.ChecksumAlgorithm))
        return checksum


def _dutch_title(resource: dict) -> str:
    fmt = BY_NAME[resource["format"]]
    if fmt in TABLE_FORMATS:
        return text("portal", "table_title", "nl", table=fmt.table_of(resource["name"]), format=fmt.label)
    if fmt in PACKAGE_FORMATS:
        return f"{fmt.title_nl} ({fmt.label})"
    if fmt.name == "txt":
        return text("archived_text", "title", "nl")
    return text("descriptor", "title", "nl")


def record(release: DataPackage, settings: dict, fmt: str = "turtle") -> str:
    """The DCAT-AP record as Turtle (``fmt="turtle"``) or JSON-LD (``fmt="json-ld"``)."""
    return build_graph(release, settings).serialize(format=fmt)
