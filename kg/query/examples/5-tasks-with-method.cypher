// Tasks addressed by papers that use or propose a given method (here: large language models).
MATCH (m:Method)<-[:USES|PROPOSES]-(p:Paper)-[:ADDRESSES]->(t)
WHERE toLower(m.name) = "large language model"
RETURN t.name AS task, count(DISTINCT p) AS papers
ORDER BY papers DESC, task
LIMIT 20
