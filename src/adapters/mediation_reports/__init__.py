"""Report and document formats: the ledger as JSON, CSV and xlsx (and their import), documents
in the Ministry's forms as .docx. Registered by the ``reports`` entry point; openpyxl and
python-docx are imported only when a file is made or read."""
