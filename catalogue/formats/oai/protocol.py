"""OAI-PMH 2.0 requests in, XML responses out: verbs, arguments, errors, paging.

Resumption tokens are signed and self-contained (verb, arguments, the last primary key
sent, the cursor), so paging needs no server-side state and survives restarts; records
are paged by primary key, so a record changed between two pages is neither skipped nor
repeated within a harvest.
"""

import datetime
import re

from django.core import signing
from django.utils import timezone
from lxml import etree

from .. import site_name, xml_text
from ..dc import dc_description
from . import records

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
TOKEN_SALT = "catalogue.oai.resumption"
TOKEN_MAX_AGE = 24 * 3600

# verb: (required arguments, optional arguments, exclusive argument)
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def _el(parent, tag, text=None, **attrs):
    node = etree.SubElement(parent, f"{{{OAI_NS}}}{tag}")
    for key, value in attrs.items():
        node.set(key, str(value))
    if text is not None:
        node.text = xml_text(text)
    return node


def handle(params, base_url: str, oai_url: str) -> bytes:
    """The complete OAI-PMH response to a request with ``params`` (a QueryDict)."""
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _el(root, "responseDate", records.datestamp(timezone.now()))
    request = _el(root, "request", oai_url)
    try:
        verb, args = _parse(params)
        for key, value in [("verb", verb), *sorted(args.items())]:
            request.set(key, value)
        body = _VERB_HANDLERS[verb](args, base_url, oai_url)
        root.append(body)
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):
            request.attrib.clear()
        _el(root, "error", error.message, code=error.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _parse(params):
    verbs = params.getlist("verb")
    if len(verbs) != 1:
        raise OAIError("badVerb", "Give exactly one verb." if verbs else "The verb is missing.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError("badVerb", f"'{verb}' is not an OAI-PMH verb.")
    required, optional, exclusive = VERBS[verb]
    args = {}
    for key in params:
        if key == "verb":
            continue
        values = params.getlist(key)
        if len(values) > 1:
            raise OAIError("badArgument", f"The argument '{key}' is repeated.")
        allowed = required | optional | ({exclusive} if exclusive else set())
        if key not in allowed:
            raise OAIError("badArgument", f"'{key}' is not an argument of {verb}.")
        args[key] = values[0]
    if exclusive and exclusive in args:
        if len(args) > 1:
            raise OAIError("badArgument", f"{exclusive} must be the only argument besides verb.")
        return verb, args
    missing = sorted(required - set(args))
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument(s): {', '.join(missing)}.")
    return verb, args


def _format(prefix: str):
    try:
        return records.METADATA_FORMATS[prefix]
    except KeyError:
        raise OAIError(
            "cannotDisseminateFormat",
            f"The metadata format '{prefix}' is not supported; use "
            f"{' or '.join(records.METADATA_FORMATS)}.",
        ) from None


def _document(identifier: str):
    pk = records.document_pk(identifier)
    document = records.records().filter(pk=pk).first() if pk else None
    if document is None:
        raise OAIError("idDoesNotExist", f"No record has the identifier '{identifier}'.")
    return document


def _header(parent, document):
    attrs = {} if document.is_public else {"status": "deleted"}
    header = _el(parent, "header", **attrs)
    _el(header, "identifier", records.oai_identifier(document.pk))
    _el(header, "datestamp", records.datestamp(document.updated_at))
    for spec in records.set_specs(document):
        _el(header, "setSpec", spec)
    return header


def _record(parent, document, metadata_format, base_url):
    record = _el(parent, "record")
    _header(record, document)
    if document.is_public:
        _el(record, "metadata").append(metadata_format.build(document, base_url))
    return record


def identify(args, base_url, oai_url):
    node = etree.Element(f"{{{OAI_NS}}}Identify")
    _el(node, "repositoryName", site_name())
    _el(node, "baseURL", oai_url)
    _el(node, "protocolVersion", "2.0")
    _el(node, "adminEmail", records.admin_email())
    _el(node, "earliestDatestamp", records.earliest_datestamp())
    _el(node, "deletedRecord", "transient")
    _el(node, "granularity", GRANULARITY)
    description = _el(node, "description")
    ident = etree.SubElement(description, f"{{{OAI_ID_NS}}}oai-identifier", nsmap={None: OAI_ID_NS})
    ident.set(
        f"{{{XSI_NS}}}schemaLocation",
        f"{OAI_ID_NS} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
    )
    for tag, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", records.repository_identifier()),
        ("delimiter", ":"),
        ("sampleIdentifier", records.oai_identifier(1)),
    ):
        etree.SubElement(ident, f"{{{OAI_ID_NS}}}{tag}").text = text
    return node


def list_metadata_formats(args, base_url, oai_url):
    if "identifier" in args:
        _document(args["identifier"])
    node = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
    for metadata_format in records.METADATA_FORMATS.values():
        entry = _el(node, "metadataFormat")
        _el(entry, "metadataPrefix", metadata_format.prefix)
        _el(entry, "schema", metadata_format.schema)
        _el(entry, "metadataNamespace", metadata_format.namespace)
    return node


def get_record(args, base_url, oai_url):
    metadata_format = _format(args["metadataPrefix"])
    document = _document(args["identifier"])
    node = etree.Element(f"{{{OAI_NS}}}GetRecord")
    _record(node, document, metadata_format, base_url)
    return node


def list_sets(args, base_url, oai_url):
    state = _read_token(args, "ListSets") if "resumptionToken" in args else {"c": 0}
    all_sets = records.sets()
    if not all_sets:
        raise OAIError("noSetHierarchy", "This repository has no sets yet.")
    cursor, size = state["c"], records.page_size()
    node = etree.Element(f"{{{OAI_NS}}}ListSets")
    for spec, name, description in all_sets[cursor : cursor + size]:
        entry = _el(node, "set")
        _el(entry, "setSpec", spec)
        _el(entry, "setName", name)
        if description:
            _el(entry, "setDescription").append(dc_description(description))
    more = cursor + size < len(all_sets)
    if cursor or more:
        token = _make_token("ListSets", {"c": cursor + size}) if more else ""
        _resumption(node, token, len(all_sets), cursor)
    return node


def _parse_date(value: str, *, end: bool):
    if DAY.match(value):
        granularity = "day"
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise OAIError("badArgument", f"'{value}' is not a valid date.") from None
        moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        if end:
            moment += datetime.timedelta(days=1)
    elif SECOND.match(value):
        granularity = "second"
        try:
            moment = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.UTC
            )
        except ValueError:
            raise OAIError("badArgument", f"'{value}' is not a valid datestamp.") from None
        if end:
            moment += datetime.timedelta(seconds=1)
    else:
        raise OAIError(
            "badArgument", f"'{value}' is not a datestamp (YYYY-MM-DD or {GRANULARITY})."
        )
    return granularity, moment


def _selection(args):
    """The harvestable documents matching metadataPrefix/from/until/set."""
    queryset = records.records()
    bounds = {}
    for key, end in (("from", False), ("until", True)):
        if key in args:
            bounds[key] = _parse_date(args[key], end=end)
    if len(bounds) == 2:
        if bounds["from"][0] != bounds["until"][0]:
            raise OAIError("badArgument", "from and until must have the same granularity.")
        if args["from"] > args["until"]:
            raise OAIError("badArgument", "from is later than until.")
    if "from" in bounds:
        queryset = queryset.filter(updated_at__gte=bounds["from"][1])
    if "until" in bounds:
        queryset = queryset.filter(updated_at__lt=bounds["until"][1])
    if "set" in args:
        queryset = records.in_set(queryset, args["set"])
    return queryset


def _list(verb, args, base_url):
    if "resumptionToken" in args:
        state = _read_token(args, verb)
        args = state["a"]
    else:
        state = {"a": args, "k": 0, "c": 0}
    metadata_format = _format(args["metadataPrefix"])
    selection = _selection(args)
    size = records.page_size()
    # The page's ids first, then its records by id: asked at once, SQLite sorted every
    # harvestable record, texts and all, to cut one page (~0.5 s a page at 100,000).
    ids = list(
        selection.filter(pk__gt=state["k"]).order_by("pk").values_list("pk", flat=True)[: size + 1]
    )
    if not ids:
        raise OAIError("noRecordsMatch", "No records match the request.")
    more = len(ids) > size
    page = list(selection.filter(pk__in=ids[:size]).order_by("pk"))
    if not page:  # every record of the page left the selection between the two reads
        raise OAIError("noRecordsMatch", "No records match the request.")
    node = etree.Element(f"{{{OAI_NS}}}{verb}")
    for document in page:
        if verb == "ListRecords":
            _record(node, document, metadata_format, base_url)
        else:
            _header(node, document)
    if more or state["c"]:
        total = selection.count()
        token = ""
        if more:
            token = _make_token(verb, {"a": args, "k": ids[size - 1], "c": state["c"] + size})
        _resumption(node, token, total, state["c"])
    return node


def list_identifiers(args, base_url, oai_url):
    return _list("ListIdentifiers", args, base_url)


def list_records(args, base_url, oai_url):
    return _list("ListRecords", args, base_url)


def _resumption(parent, token: str, total: int, cursor: int):
    attrs = {"completeListSize": total, "cursor": cursor}
    if token:
        expires = timezone.now() + datetime.timedelta(seconds=TOKEN_MAX_AGE)
        attrs["expirationDate"] = records.datestamp(expires)
    _el(parent, "resumptionToken", token, **attrs)


def _make_token(verb: str, state: dict) -> str:
    return signing.dumps({"v": verb, **state}, salt=TOKEN_SALT, compress=True)


def _read_token(args, verb: str) -> dict:
    try:
        state = signing.loads(args["resumptionToken"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise OAIError(
            "badResumptionToken", "The resumption token is invalid or expired."
        ) from None
    if state.get("v") != verb:
        raise OAIError("badResumptionToken", f"The resumption token is not for {verb}.")
    return state


_VERB_HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "GetRecord": get_record,
    "ListSets": list_sets,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
