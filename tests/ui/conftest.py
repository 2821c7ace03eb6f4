"""The reader_tree fixture lives in tests/conftest.py: the model tests in tests/core use it too."""
