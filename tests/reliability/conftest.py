"""The reliability tests reuse the reader tests' helpers (tests/ui/reader_support.py, put on
the path by tests/conftest.py)."""
