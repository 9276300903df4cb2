"""What reports, exports and documents show, as plain frozen values built for one reader.

The core decides the content (columns, Chinese headers, the forms' fields, what is masked);
renderers in adapters only lay it out in a file format (``mediation_renderers()``), and ledger
readers only turn a file back into a table (``mediation_ledger_readers()``).
"""
