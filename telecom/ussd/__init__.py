"""USSD menus: the pure engine that walks a menu (`engine`), and the payloads
of the platform's USSD callback (`payloads`)."""
