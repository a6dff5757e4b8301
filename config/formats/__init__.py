"""The console's date and time formats (FORMAT_MODULE_PATH), one per language."""
