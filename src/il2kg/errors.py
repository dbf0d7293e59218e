"""The il2kg error family: each subclass names the kind of artefact at fault."""


class Il2kgError(Exception):
    """An expected, user-fixable problem; the CLI prints it on one line and exits 2."""


class InputFileError(Il2kgError):
    """A file is missing, unreadable, not UTF-8, empty, binary or too large."""


class RdfSyntaxError(Il2kgError):
    """A Turtle (or other RDF) file does not parse."""


class QueryError(Il2kgError):
    """A SPARQL query is malformed or names an unknown query."""


class ValidationFailed(Il2kgError):
    """Extracted or built triples violate the SHACL shapes (exit 1, not 2)."""

    exit_code = 1
