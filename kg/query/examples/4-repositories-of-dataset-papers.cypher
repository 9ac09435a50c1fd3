// Code repositories of papers that propose a dataset or benchmark.
MATCH (r:Repository)<-[:HAS_CODE]-(p:Paper)-[:PROPOSES]->(d)
WHERE d:Dataset OR d:Benchmark
RETURN d.name AS dataset, r.name AS url, p.title AS title
ORDER BY dataset, url, title
