"""Exports for linked-data tools: RDF formats, JSON-LD, KGX, schema.org, VoID/DCAT, and push to a SPARQL store."""

from il2kg.exports.formats import FORMATS
from il2kg.exports.release import LazyDocuments, Release, documents_from_files, documents_from_graphs
from il2kg.exports.writing import write_exports

__all__ = ["FORMATS", "LazyDocuments", "Release", "documents_from_files", "documents_from_graphs", "write_exports"]
