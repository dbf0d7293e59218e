# Update: add a batch holding blank nodes to the named graph $graph: INSERT ... WHERE {}, because Virtuoso 7
#   refuses blank nodes in INSERT DATA (see drop-graph.ru for how $graph and $triples are filled in).
INSERT { GRAPH $graph {
$triples
} } WHERE {}
