# Update: add a batch of triples ($triples, N-Triples lines) to the named graph $graph (see drop-graph.ru).
INSERT DATA { GRAPH $graph {
$triples
} }
