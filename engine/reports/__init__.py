"""Reports (domain core, no Flask or SQLAlchemy): definitions (``spec``), the registries of bucket
and measure kinds (``kinds``), and the grouped result made into an answer (``results``). The SQL is
``engine.storage.report_queries``'s; who may see what is ``engine.services.reports``'s."""
