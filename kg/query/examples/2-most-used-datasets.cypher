// The most used datasets and benchmarks: papers that use or evaluate on each.
MATCH (p:Paper)-[:USES|EVALUATES_ON]->(d)
WHERE d:Dataset OR d:Benchmark
RETURN d.name AS name, labels(d)[0] AS kind, count(DISTINCT p) AS papers
ORDER BY papers DESC, name, kind
LIMIT 15
