// Papers that evaluate on a given benchmark (here: MATH).
MATCH (p:Paper)-[:EVALUATES_ON]->(:Benchmark {name: "MATH"})
RETURN p.id AS paper, p.title AS title
ORDER BY paper
