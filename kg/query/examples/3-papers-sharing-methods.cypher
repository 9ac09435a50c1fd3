// Papers sharing at least two methods with a given paper (here: papers whose title mentions "distillation").
MATCH (p:Paper)-[:PROPOSES|USES|COMPARES_WITH]->(m:Method)<-[:PROPOSES|USES|COMPARES_WITH]-(other:Paper)
WHERE toLower(p.title) CONTAINS "distillation" AND other <> p
WITH p.title AS title, other.title AS other_title, count(DISTINCT m) AS shared, collect(DISTINCT m.name) AS names
WHERE shared >= 2
RETURN title, other_title, shared,
       reduce(s = "", name IN names | s + CASE s WHEN "" THEN "" ELSE ", " END + name) AS methods
ORDER BY shared DESC, title, other_title
LIMIT 20
