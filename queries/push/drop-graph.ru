# Update: empty the named graph before the new triples go in (SILENT: a graph that does not exist yet is fine).
#   A SPARQL Update request carries no bindings: il2kg.exports.push fills $graph in with the graph's IRI as an
#   RDF term, and $triples with N-Triples lines written by il2kg.rdf_io; nothing else is ever pasted in.
DROP SILENT GRAPH $graph
