"""The PostgreSQL + pgvector backend's groundwork: connection, schema, generations, and the
queries the ranking needs, as plain functions taking a psycopg connection."""
