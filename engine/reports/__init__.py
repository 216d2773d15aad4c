"""Reports (domain core, no Flask or SQLAlchemy): definitions (``spec``), the registries of bucket
and measure kinds (``kinds``), and the grouped result made into an answer (``results``). The SQL
lives in the storage layer (``report_queries``), who may see what in the services layer."""
