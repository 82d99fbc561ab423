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
import hashlib
import subprocess
import tomllib
from pathlib import Path

from .release import DESCRIPTOR_NAME, Release

REQUIRED = {
    "base_url": "the URL the release folder is published at (its files are base_url + their path)",
    "publisher_name": "the name of the organisation or person that publishes the dataset",
    "contact_email": "an e-mail address that answers questions about the dataset",
}
OPTIONAL = {
    "publisher_url": "an IRI that identifies the publisher",
    "contact_name": "the name of the contact point (default: the publisher's name)",
    "issued": "when the dataset was first issued, as an ISO 8601 date-time (default: the first v* tag)",
    "modified": "when this version was issued, as an ISO 8601 date-time (default: its v<version> tag)",
}

EU = "http://publications.europa.eu/resource/authority/"
# The themes, spatial coverage and formats chosen for this dataset, with the labels of the EU
# vocabularies (and GeoNames) they come from.
THEMES = {"SOCI": "Population and society", "JUST": "Justice, legal system and public safety", "HEAL": "Health"}
FLANDERS = ("https://sws.geonames.org/3337388/", "Flanders")
COUNTRY = ("BEL", "Belgium")
LANGUAGES = {"nl": ("NLD", "Dutch"), "en": ("ENG", "English")}
FORMATS = {  # descriptor "format" -> (EU file type, its label, IANA media type)
    "csv": ("CSV", "CSV", "text/csv"),
    "parquet": ("PARQUET", "Parquet", "application/vnd.apache.parquet"),
    "txt": ("TXT", "TXT", "text/plain"),
    "json": ("JSON", "JSON", "application/json"),
}
LICENCES = {"CC-BY-4.0": ("CC_BY_4_0", "Creative Commons Attribution 4.0 International")}
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
    if not str(settings["base_url"]).startswith(("https://", "http://")):
        raise SettingsError(f"base_url must be an http(s) URL, not {settings['base_url']!r}")
    if "@" not in str(settings["contact_email"]):
        raise SettingsError(f"contact_email must be an e-mail address, not {settings['contact_email']!r}")
    settings["base_url"] = str(settings["base_url"]).rstrip("/") + "/"
    return settings


def _git_date(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out[0] if out else None


def release_dates(settings: dict, version: str) -> tuple[datetime.datetime, datetime.datetime]:
    """(issued, modified): from the settings, else from the git tags of the current repository."""
    issued = settings.get("issued") or _git_date(
        "for-each-ref", "--sort=creatordate", "--format=%(creatordate:iso-strict)", "refs/tags/v*")
    modified = settings.get("modified") or _git_date("log", "-1", "--format=%cI", f"v{version}")
    if not issued or not modified:
        raise SettingsError(f"the release dates are unknown: there is no tag v{version} here; give --issued and "
                            "--modified (ISO 8601 date-times) or run where the release is tagged")
    try:
        return tuple(datetime.datetime.fromisoformat(str(d)) for d in (issued, modified))
    except ValueError as error:
        raise SettingsError(f"issued and modified must be ISO 8601 date-times: {error}") from None


def build_graph(release: Release, settings: dict):
    """The DCAT-AP record of ``release`` as an rdflib Graph: a catalogue, the dataset, and a
    distribution for every file of the release and for its descriptor."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, OWL, RDF, RDFS, SKOS, XSD

    from .loader import load

    VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
    SPDX = Namespace("http://spdx.org/rdf/terms#")
    d = release.descriptor
    base = settings["base_url"]
    page = base + "index.html"
    node = lambda fragment: URIRef(f"{page}#{fragment}")  # noqa: E731 - stable IRIs, no blank nodes
    issued, modified = release_dates(settings, d["version"])
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCT), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX), ("skos", SKOS)):
        g.bind(prefix, ns)

    def text(subject, predicate, values: dict[str, str]):
        for lang, value in values.items():
            g.add((subject, predicate, Literal(value, lang=lang)))

    def concept(iri: str, label: str, scheme: str, *types):
        ref = URIRef(iri)
        g.add((ref, RDF.type, SKOS.Concept))
        for t in types:
            g.add((ref, RDF.type, t))
        g.add((ref, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((ref, SKOS.inScheme, URIRef(EU + scheme)))
        g.add((URIRef(EU + scheme), RDF.type, SKOS.ConceptScheme))
        g.add((URIRef(EU + scheme), DCT.title, Literal(scheme, lang="en")))
        return ref

    when = lambda moment: Literal(moment.isoformat(), datatype=XSD.dateTime)  # noqa: E731
    nl = d.get("translations", {}).get("nl", {})
    catalogue, dataset = node("catalogue"), node("dataset")

    publisher = URIRef(settings["publisher_url"]) if settings.get("publisher_url") else node("publisher")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings["publisher_name"])))
    contact = node("contact")
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal(settings.get("contact_name") or settings["publisher_name"])))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings['contact_email']}")))
    licence_iri, licence_label = LICENCES[d["licenses"][0]["name"]]
    licence = URIRef(EU + "licence/" + licence_iri)
    g.add((licence, RDF.type, DCT.LicenseDocument))
    g.add((licence, RDFS.label, Literal(licence_label, lang="en")))
    rights = node("rights")
    g.add((rights, RDF.type, DCT.RightsStatement))
    text(rights, RDFS.label, {
        "en": f"{licence_label} ({d['licenses'][0]['name']}) for this package's tables, translations and metadata; "
              "attribute the Flemish Parliament as the source. The archived text of the question and answer states "
              "no licence; none is claimed for it.",
        "nl": f"{licence_label} ({d['licenses'][0]['name']}) voor de tabellen, vertalingen en metadata van dit pakket; "
              "vermeld het Vlaams Parlement als bron. De gearchiveerde tekst van vraag en antwoord vermeldt geen "
              "licentie; voor die tekst wordt er geen geclaimd.",
    })
    landing = URIRef(page)
    g.add((landing, RDF.type, FOAF.Document))
    languages = [concept(EU + "language/" + code, label, "language", DCT.LinguisticSystem) for code, label in LANGUAGES.values()]

    # The catalogue
    g.add((catalogue, RDF.type, DCAT.Catalog))
    text(catalogue, DCT.title, {"en": f"{d['name']}: catalogue", "nl": f"{d['name']}: catalogus"})
    text(catalogue, DCT.description, {"en": f"The data package {d['name']}, version {d['version']}.",
                                      "nl": f"Het datapakket {d['name']}, versie {d['version']}."})
    themes = URIRef(EU + "data-theme")
    for p, o in ((DCT.publisher, publisher), (DCAT.dataset, dataset), (FOAF.homepage, landing), (DCT.license, licence),
                 (DCAT.themeTaxonomy, themes),
                 (DCT.identifier, Literal(str(catalogue))), (DCT.issued, when(issued)), (DCT.modified, when(modified))):
        g.add((catalogue, p, o))
    for language in languages:
        g.add((catalogue, DCT.language, language))

    # The dataset
    series = load("series", lang="en", release=release)
    g.add((dataset, RDF.type, DCAT.Dataset))
    text(dataset, DCT.title, {"en": d["title"], **({"nl": nl["title"]} if nl else {})})
    text(dataset, DCT.description, {"en": d["description"], **({"nl": nl["description"]} if nl else {})})
    for keyword in d.get("keywords", []):
        g.add((dataset, DCAT.keyword, Literal(keyword)))
    for code, label in THEMES.items():
        g.add((dataset, DCAT.theme, concept(EU + "data-theme/" + code, label, "data-theme")))
    flanders = URIRef(FLANDERS[0])
    g.add((flanders, RDF.type, DCT.Location))
    g.add((flanders, SKOS.prefLabel, Literal(FLANDERS[1], lang="en")))
    g.add((dataset, DCT.spatial, flanders))
    g.add((dataset, DCT.spatial, concept(EU + "country/" + COUNTRY[0], COUNTRY[1], "country", DCT.Location)))
    period = node("temporal")
    g.add((period, RDF.type, DCT.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(str(int(series["first_year"].min())), datatype=XSD.gYear)))
    g.add((period, DCAT.endDate, Literal(str(int(series["last_year"].max())), datatype=XSD.gYear)))
    access = concept(EU + "access-right/PUBLIC", "public", "access-right", DCT.RightsStatement)
    provenance = node("provenance")
    g.add((provenance, RDF.type, DCT.ProvenanceStatement))
    text(provenance, RDFS.label, {
        "en": "Every figure is extracted by a program from the archived text of the question and answer (a file of "
              "this dataset, with its sha256), checked against it, and carries the line it stands on.",
        "nl": "Elk cijfer wordt door een programma uit de gearchiveerde tekst van vraag en antwoord gehaald (een "
              "bestand van deze dataset, met zijn sha256), ermee vergeleken, en vermeldt de regel waarop het staat.",
    })
    standard = URIRef(DATA_PACKAGE)
    g.add((standard, RDF.type, DCT.Standard))
    for p, o in ((DCT.publisher, publisher), (DCAT.contactPoint, contact), (DCT.temporal, period),
                 (DCT.accessRights, access), (DCT.issued, when(issued)), (DCT.modified, when(modified)),
                 (DCT.identifier, Literal(str(dataset))), (URIRef(str(DCAT) + "version"), Literal(d["version"])),
                 (OWL.versionInfo, Literal(d["version"])), (DCAT.landingPage, landing),
                 (DCT.provenance, provenance), (DCT.conformsTo, standard)):
        g.add((dataset, p, o))
    for language in languages:
        g.add((dataset, DCT.language, language))
    for i, source in enumerate(d.get("sources", [])):
        cited = node(f"source-{i + 1}")
        parliament = node(f"source-{i + 1}-publisher")
        g.add((cited, RDF.type, DCAT.Dataset))
        text(cited, DCT.title, {"nl": source["title"]})
        text(cited, DCT.description, {
            "en": f"The parliamentary question and its answer. Its text, archived byte for byte, is the distribution "
                  f"{source['path']} of the dataset {d['name']}.",
            "nl": f"De parlementaire vraag en het antwoord. De tekst ervan, byte voor byte gearchiveerd, is de "
                  f"distributie {source['path']} van de dataset {d['name']}.",
        })
        g.add((parliament, RDF.type, FOAF.Agent))
        g.add((parliament, FOAF.name, Literal("Vlaams Parlement", lang="nl")))
        g.add((cited, DCT.publisher, parliament))
        g.add((dataset, DCT.source, cited))

    # A distribution for every file, and for the descriptor itself
    files = [dict(r) for r in d["resources"]]
    descriptor_bytes = release.descriptor_path.read_bytes()
    files.append({"name": "datapackage", "path": DESCRIPTOR_NAME, "format": "json",
                  "title": "The data package's descriptor (datapackage.json)",
                  "description": "The Frictionless Data Package (v2) descriptor: every table's schema, and every file's "
                                 "sha256 and size.",
                  "bytes": len(descriptor_bytes), "hash": "sha256:" + hashlib.sha256(descriptor_bytes).hexdigest()})
    for resource in files:
        distribution = node(resource["name"])
        url = URIRef(base + resource["path"])
        file_type, file_label, media = FORMATS[resource["format"]]
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        titles = {"en": resource.get("title", resource["name"]), "nl": _dutch_title(resource)}
        text(distribution, DCT.title, titles)
        if resource.get("description"):
            text(distribution, DCT.description, {"en": resource["description"]})
        media_type = URIRef(IANA + media)
        g.add((media_type, RDF.type, DCT.MediaType))
        checksum = node(f"{resource['name']}-checksum")
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        g.add((checksum, SPDX.checksumValue, Literal(resource["hash"].split(":", 1)[1], datatype=XSD.hexBinary)))
        for p, o in ((DCAT.accessURL, url), (DCAT.downloadURL, url),
                     (DCT.format, concept(EU + "file-type/" + file_type, file_label, "file-type", DCT.MediaTypeOrExtent)),
                     (DCAT.mediaType, media_type), (DCAT.byteSize, Literal(resource["bytes"], datatype=XSD.nonNegativeInteger)),
                     (SPDX.checksum, checksum), (DCT.identifier, Literal(str(distribution))),
                     (DCT.issued, when(issued)), (DCT.modified, when(modified)), (DCT.rights, rights)):
            g.add((distribution, p, o))
        if resource["format"] != "txt":  # the archived answer states no licence: none is claimed for it
            g.add((distribution, DCT.license, licence))
        conforms = {"csv": TABLE_SCHEMA, "parquet": TABLE_SCHEMA, "json": DATA_PACKAGE}.get(resource["format"])
        if conforms:
            g.add((URIRef(conforms), RDF.type, DCT.Standard))
            g.add((distribution, DCT.conformsTo, URIRef(conforms)))
    return g


def _dutch_title(resource: dict) -> str:
    kind = {"csv": "CSV", "parquet": "Parquet"}.get(resource["format"])
    if kind:
        return f"Tabel {resource['name'].removesuffix('-parquet')} ({kind})"
    if resource["format"] == "txt":
        return "Gearchiveerde tekst van de vraag en het antwoord"
    return "Beschrijving van het datapakket (datapackage.json)"


def record(release: Release, settings: dict, fmt: str = "turtle") -> str:
    """The DCAT-AP record as Turtle (``fmt="turtle"``) or JSON-LD (``fmt="json-ld"``)."""
    return build_graph(release, settings).serialize(format=fmt)
